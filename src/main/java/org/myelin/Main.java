package org.myelin;

import org.myelin.cli.GenerateConfigCommand;
import org.myelin.cli.RegisterUserCommand;
import org.myelin.cli.SendServerNoticeCommand;
import org.myelin.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: `myelin serve | generate-config | register-user | send-server-notice`. */
@Command(name = "myelin", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Myelin, a Matrix homeserver.",
        subcommands = {ServeCommand.class, GenerateConfigCommand.class, RegisterUserCommand.class,
                SendServerNoticeCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        ServeCommand direct = ServeCommand.fromPlainArgs(args);
        if (direct != null) {
            int code = direct.call();
            if (code != 0) System.exit(code);
            return;
        }
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"myelin " + (v == null ? "dev" : v)};
        }
    }
}
