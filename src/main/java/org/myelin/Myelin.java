package org.myelin;

import org.myelin.api.Routes;
import org.myelin.api.admin.AdminRegistrationApi;
import org.myelin.api.client.AccountApi;
import org.myelin.api.client.DiscoveryApi;
import org.myelin.api.client.LoginApi;
import org.myelin.api.client.ProfileApi;
import org.myelin.api.client.RegisterApi;
import org.myelin.config.Config;
import org.myelin.http.HttpServer;
import org.myelin.http.RateLimiter;
import org.myelin.http.Router;
import org.myelin.storage.AccountStore;
import org.myelin.storage.Database;
import org.myelin.storage.jdbc.JdbcAccountStore;
import org.myelin.users.AccountService;
import org.myelin.users.TokenService;
import org.myelin.users.UserInteractiveAuth;

/**
 * One running homeserver: storage, services and the HTTP server, wired by hand (no DI framework:
 * start-up stays fast and the wiring stays readable in one place).
 */
public final class Myelin implements AutoCloseable {
    private final Config config;
    private final Database db;
    private final HttpServer http;
    private final AccountService accounts;

    private Myelin(Config config, Database db, HttpServer http, AccountService accounts) {
        this.config = config;
        this.db = db;
        this.http = http;
        this.accounts = accounts;
    }

    /** Opens storage (applying migrations) without serving HTTP; used by admin subcommands. */
    public static Services openServices(Config config) {
        Database db = Database.open(config);
        AccountStore accountStore = new JdbcAccountStore(db);
        TokenService tokens = new TokenService(accountStore, config);
        AccountService accounts = new AccountService(accountStore, tokens, config);
        return new Services(config, db, accountStore, tokens, accounts);
    }

    public record Services(Config config, Database db, AccountStore accountStore, TokenService tokens,
                           AccountService accounts) {}

    public static Myelin start(Config config) throws Exception {
        Services s = openServices(config);
        try {
            Router router = new Router();
            Routes routes = new Routes(router);
            UserInteractiveAuth uia = new UserInteractiveAuth(s.accountStore(), s.accounts()::checkPassword, config.serverName());
            DiscoveryApi.register(routes, config);
            LoginApi login = new LoginApi(s.accounts(), s.tokens(), s.accountStore(), config);
            login.register(routes);
            new RegisterApi(s.accounts(), s.accountStore(), uia, login, config).register(routes);
            new AccountApi(s.accounts(), uia).register(routes);
            new ProfileApi(s.accounts(), s.accountStore()).register(routes);
            new AdminRegistrationApi(s.accounts(), s.accountStore(), config).register(routes);

            HttpServer http = new HttpServer(config, router, s.tokens()::authenticate, new RateLimiter(config.rateLimiting()));
            http.start();
            return new Myelin(config, s.db(), http, s.accounts());
        } catch (Exception | Error e) {
            s.db().close();
            throw e;
        }
    }

    public int port() { return http.port(); }

    public Config config() { return config; }

    public AccountService accounts() { return accounts; }

    @Override
    public void close() throws Exception {
        try {
            http.stop();
        } finally {
            db.close();
        }
    }
}
