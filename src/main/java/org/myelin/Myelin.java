package org.myelin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.MetricsApi;
import org.myelin.api.Routes;
import org.myelin.metrics.Metrics;
import org.myelin.api.admin.AdminRegistrationApi;
import org.myelin.api.admin.EventReportsAdminApi;
import org.myelin.api.admin.ServerNoticesAdminApi;
import org.myelin.api.client.OpenIdApi;
import org.myelin.api.client.ThirdPartyApi;
import org.myelin.api.client.VoipApi;
import org.myelin.api.client.WhoisApi;
import org.myelin.admin.Whois;
import org.myelin.moderation.PolicySubscriptions;
import org.myelin.notices.ServerNotices;
import org.myelin.openid.OpenIdTokens;
import org.myelin.storage.jdbc.JdbcOpenIdTokenStore;
import org.myelin.storage.jdbc.JdbcServerNoticeStore;
import org.myelin.thirdparty.ThirdPartyNetworks;
import org.myelin.voip.TurnCredentials;
import org.myelin.api.client.AccountApi;
import org.myelin.api.client.AccountDataApi;
import org.myelin.api.client.DirectoryApi;
import org.myelin.api.client.DiscoveryApi;
import org.myelin.api.client.FilterApi;
import org.myelin.api.client.LoginApi;
import org.myelin.api.client.ProfileApi;
import org.myelin.api.client.RegisterApi;
import org.myelin.api.client.ReportApi;
import org.myelin.api.client.RoomUpgradeApi;
import org.myelin.api.client.ReceiptsApi;
import org.myelin.api.client.RoomsApi;
import org.myelin.api.client.TimestampToEventApi;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.rooms.AuthRules;
import org.myelin.rooms.ClientEvents;
import org.myelin.rooms.EventCache;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomDirectory;
import org.myelin.rooms.RoomService;
import org.myelin.rooms.RoomUpgrader;
import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.RoomWriter;
import org.myelin.rooms.Signatures;
import org.myelin.rooms.StateSnapshots;
import org.myelin.rooms.StreamIds;
import org.myelin.storage.RoomStore;
import org.myelin.storage.jdbc.JdbcRoomStore;
import org.myelin.http.HttpServer;
import org.myelin.http.Json;
import org.myelin.http.RateLimiter;
import org.myelin.http.Router;
import org.myelin.storage.AccountStore;
import org.myelin.storage.Database;
import org.myelin.storage.jdbc.JdbcAccountStore;
import org.myelin.storage.jdbc.JdbcFilterStore;
import org.myelin.sync.Filters;
import org.myelin.sync.Notifier;
import org.myelin.sync.RoomHistory;
import org.myelin.sync.SyncNotifications;
import org.myelin.sync.SyncService;
import org.myelin.sync.UserRooms;
import org.myelin.ephemeral.EphemeralModules;
import org.myelin.userdata.AccountData;
import org.myelin.userdata.UserData;
import org.myelin.api.client.SyncApi;
import org.myelin.api.client.HistoryApi;
import org.myelin.users.AccountService;
import org.myelin.users.TokenService;
import org.myelin.users.UserInteractiveAuth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One running homeserver: storage, services and the HTTP server, wired by hand (no DI framework:
 * start-up stays fast and the wiring stays readable in one place).
 */
public final class Myelin implements AutoCloseable {
    private final Config config;
    private final Database db;
    private final HttpServer http;
    private final AccountService accounts;
    private EphemeralModules ephemeral;
    private Notifier notifier;
    private RoomHistory history;
    private Router router;

    private Myelin(Config config, Database db, HttpServer http, AccountService accounts) {
        this.config = config;
        this.db = db;
        this.http = http;
        this.accounts = accounts;
    }

    /** Opens storage (applying migrations) and builds the services, without serving HTTP. */
    public static Services openServices(Config config) {
        SigningKey key = signingKey(config);
        Database db = Database.open(config);
        try {
            AccountStore accountStore = new JdbcAccountStore(db);
            TokenService tokens = new TokenService(accountStore, config);
            AccountService accounts = new AccountService(accountStore, tokens, config);
            RoomStore roomStore = new JdbcRoomStore(db);
            EventCache events = new EventCache(roomStore);
            StreamIds streamIds = new StreamIds(roomStore.maxStreamOrdering());
            Metrics.gauge("myelin_event_stream_position", streamIds::current);
            RoomWriter[] writerRef = new RoomWriter[1];
            Signatures signatures = new Signatures(config.serverName(), key,
                    roomId -> writerRef[0].room(roomId).map(LiveRoom::version).orElse(null));
            RoomWriter writer = new RoomWriter(roomStore, events, streamIds, new AuthRules(signatures, signatures), key,
                    config.serverName());
            writerRef[0] = writer;
            RoomService rooms = new RoomService(writer, roomStore, accountStore);
            accounts.onProfileChange((user, displayname, avatar) -> rooms.propagateProfile(user));
            accounts.onDeactivation(rooms::leaveAll);
            StateSnapshots snapshots = new StateSnapshots(roomStore);
            RoomVisibility visibility = new RoomVisibility(writer, events, snapshots, roomStore);
            ClientEvents clientEvents = new ClientEvents(writer, events, roomStore);
            Notifier notifier = new Notifier();
            Metrics.gauge("myelin_sync_listening_users", notifier::listening);
            UserRooms userRooms = new UserRooms(roomStore);
            writer.addListener(userRooms);
            writer.addListener(new SyncNotifications(notifier));
            SyncService sync = new SyncService(writer, roomStore, events, snapshots, visibility, clientEvents, userRooms, notifier);
            // Peekers are not members, so the user notifier never hears of them: a second notifier,
            // keyed by room, wakes them, gated on the same readable position as syncs.
            Notifier peekers = new Notifier();
            peekers.watch(writer.streamIds());
            writer.addListener((room, se) -> peekers.notifyUsersAt(se.nid(), List.of(room.roomId())));
            Metrics.gauge("myelin_peek_waiting_rooms", peekers::listening);
            RoomHistory history = new RoomHistory(writer, roomStore, events, snapshots, visibility, clientEvents, peekers);
            return new Services(config, db, key, accountStore, tokens, accounts, roomStore, events, writer, rooms, snapshots,
                    visibility, clientEvents, notifier, sync, history);
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    public record Services(Config config, Database db, SigningKey signingKey, AccountStore accountStore, TokenService tokens,
                           AccountService accounts, RoomStore roomStore, EventCache events, RoomWriter writer,
                           RoomService rooms, StateSnapshots snapshots, RoomVisibility visibility,
                           ClientEvents clientEvents, Notifier notifier, SyncService sync, RoomHistory history) {}

    /** Loads the server's signing key, creating and persisting one on first start. */
    static SigningKey signingKey(Config config) {
        Path file = config.signingKeyPath();
        try {
            if (Files.exists(file)) return SigningKey.load(file);
            Files.createDirectories(file.toAbsolutePath().getParent());
            SigningKey key = SigningKey.generate();
            key.save(file);
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("signing key " + file + ": " + e.getMessage());
        }
    }

    public static Myelin start(Config config) throws Exception {
        HttpServer http = new HttpServer(config);
        CompletableFuture<Void> httpStarted = new CompletableFuture<>();
        Thread.ofPlatform().name("myelin-http-start").daemon().start(() -> {
            try {
                org.myelin.http.Json.warmUp();
                http.startWithoutListening();
                httpStarted.complete(null);
            } catch (Throwable t) {
                httpStarted.completeExceptionally(t);
            }
        });
        Services s;
        try {
            s = openServices(config);
        } catch (RuntimeException | Error e) {
            stopQuietly(http, httpStarted);
            throw e;
        }
        try {
            Router router = new Router();
            Routes routes = new Routes(router);
            UserInteractiveAuth uia = new UserInteractiveAuth(s.accountStore(), s.accounts()::checkPassword, config.serverName());
            DiscoveryApi.register(routes, config);
            MetricsApi.register(routes);
            LoginApi login = new LoginApi(s.accounts(), s.tokens(), s.accountStore(), config);
            login.register(routes);
            new RegisterApi(s.accounts(), s.accountStore(), uia, login, config, s.tokens()).register(routes);
            new AccountApi(s.accounts(), uia).register(routes);
            new ProfileApi(s.accounts(), s.accountStore()).register(routes);
            Filters filters = new Filters(new JdbcFilterStore(s.db()));
            new FilterApi(filters).register(routes);
            EphemeralModules ephemeral = EphemeralModules.start(s);
            ephemeral.register(routes, uia);
            new SyncApi(s.sync(), filters, ephemeral.presence()).register(routes);
            UserData userData = UserData.wire(s.db(), s.writer(), s.visibility(), s.notifier(), s.sync(), s.history());
            new AccountDataApi(userData.accountData()).register(routes);
            new ReceiptsApi(userData.receipts()).register(routes);
            new HistoryApi(s.history(), filters, s.visibility(), s.clientEvents(), s.roomStore()).register(routes);
            new AdminRegistrationApi(s.accounts(), s.accountStore(), config).register(routes);
            new RoomsApi(s.rooms(), s.roomStore(), s.clientEvents(), s.visibility()).register(routes);
            RoomDirectory directory = new RoomDirectory(s.rooms(), s.roomStore(), s.accounts());
            new DirectoryApi(directory, s.visibility()).register(routes);
            new RoomUpgradeApi(new RoomUpgrader(s.rooms(), s.roomStore(), directory)).register(routes);
            new ReportApi(s.rooms(), s.roomStore(), s.visibility()).register(routes);
            new TimestampToEventApi(s.roomStore(), s.visibility()).register(routes);
            new EventReportsAdminApi(s.accounts(), s.roomStore(), s.writer()).register(routes);
            // The small modules: whois, OpenID, third-party networks, TURN, policy lists, server notices.
            new WhoisApi(s.accounts(), new Whois(s.accountStore())).register(routes);
            new OpenIdApi(new OpenIdTokens(new JdbcOpenIdTokenStore(s.db()), s.accountStore()), config.serverName()).register(routes);
            new ThirdPartyApi(new ThirdPartyNetworks()).register(routes);
            new VoipApi(new TurnCredentials(config.voip())).register(routes);
            s.rooms().addMembershipGate(new PolicySubscriptions(config.moderation().policyRooms(), s.writer(), s.roomStore()));
            ServerNotices notices = new ServerNotices(config.serverNotices(), config.serverName(), s.accounts(), s.rooms(),
                    new JdbcServerNoticeStore(s.db()));
            s.rooms().addMembershipGate(notices);
            notices.setTagger((user, room) -> userData.accountData().update(user, room, AccountData.TAG, old -> {
                ObjectNode c = old == null ? Json.object() : old;
                ObjectNode tags = c.get("tags") instanceof ObjectNode t ? t : c.putObject("tags");
                if (tags.has(ServerNotices.TAG)) return null;
                tags.putObject(ServerNotices.TAG);
                return c;
            }));
            new ServerNoticesAdminApi(notices, s.accounts()).register(routes);

            awaitStarted(httpStarted);
            http.listen(router, s.tokens()::authenticate, new RateLimiter(config.rateLimiting()));
            Myelin m = new Myelin(config, s.db(), http, s.accounts());
            m.ephemeral = ephemeral;
            m.notifier = s.notifier();
            m.history = s.history();
            m.router = router;
            return m;
        } catch (Exception | Error e) {
            stopQuietly(http, httpStarted);
            s.db().close();
            throw e;
        }
    }

    private static void awaitStarted(CompletableFuture<Void> started) throws Exception {
        try {
            started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private static void stopQuietly(HttpServer http, CompletableFuture<Void> started) {
        try {
            started.handle((ok, failed) -> null).get();
            http.stop();
        } catch (Exception ignored) {
            // Start-up is failing already; the first error is the one to report.
        }
    }

    public int port() { return http.port(); }

    public Config config() { return config; }

    public AccountService accounts() { return accounts; }

    /** The routes this server answers (for tests that walk every endpoint). */
    public Router router() { return router; }

    @Override
    public void close() throws Exception {
        try {
            // Parked /sync and peek long-polls answer now instead of holding up the graceful stop.
            if (notifier != null) notifier.close();
            if (history != null) history.close();
            http.stop();
        } finally {
            if (ephemeral != null) ephemeral.close();
            db.close();
        }
    }
}
