package org.myelin.cli;

import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.http.MatrixException;
import org.myelin.users.AccountService;
import org.myelin.users.UserIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "register-user", mixinStandardHelpOptions = true,
        description = "Create an account directly in the configured database (works with registration closed).")
public final class RegisterUserCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = {"-u", "--user"}, required = true, description = "Localpart of the new user (e.g. alice)")
    String user;

    @Option(names = {"-p", "--password"}, description = "Password (prompted for, or read from stdin, if omitted)")
    String password;

    @Option(names = {"-a", "--admin"}, description = "Make the user a server admin")
    boolean admin;

    @Override
    public Integer call() throws Exception {
        Config cfg;
        try {
            cfg = config.load();
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        }
        Logging.init("warn");
        String localpart = user.startsWith("@") ? UserIds.localpart(user) : user;
        localpart = localpart.toLowerCase(Locale.ROOT);
        if (password == null) password = readPassword();
        if (password == null || password.isEmpty()) {
            System.err.println("myelin: a password is required");
            return 2;
        }
        Myelin.Services s;
        try {
            s = Myelin.openServices(cfg);
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        }
        try (var db = s.db()) {
            UserIds.checkNewLocalpart(localpart, cfg.serverName());
            String userId = UserIds.of(localpart, cfg.serverName());
            s.accounts().create(userId, password, admin, false, null, (AccountService.DeviceRequest) null);
            System.out.println("Created " + userId + (admin ? " (admin)" : ""));
            return 0;
        } catch (MatrixException e) {
            System.err.println("myelin: " + e.getMessage());
            return 1;
        }
    }

    private static String readPassword() throws Exception {
        Console console = System.console();
        if (console != null) {
            char[] a = console.readPassword("Password: ");
            char[] b = console.readPassword("Confirm password: ");
            if (a == null || b == null || !new String(a).equals(new String(b))) {
                System.err.println("myelin: passwords do not match");
                return null;
            }
            return new String(a);
        }
        return new BufferedReader(new InputStreamReader(System.in)).readLine();
    }
}
