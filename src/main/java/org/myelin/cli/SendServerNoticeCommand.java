package org.myelin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.notices.ServerNotices;
import org.myelin.storage.AccountStore;
import org.myelin.storage.jdbc.JdbcServerNoticeStore;
import org.myelin.users.Secrets;
import org.myelin.users.TokenService;
import org.myelin.users.UserIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Sends a server notice. Room events must be written by the server that serves the room (it keeps
 * each room's head and the stream position in memory), so when a server answers at the configured
 * address the notice goes through its admin API, authenticated as the system user with a token
 * this command stores directly in the database (valid for two minutes, deleted afterwards). When no
 * server answers, the notice is written directly to the database.
 */
@Command(name = "send-server-notice", mixinStandardHelpOptions = true,
        description = "Send a server notice to a local user (needs server_notices.system_user_localpart in the config).")
public final class SendServerNoticeCommand implements Callable<Integer> {
    private static final String PATH = "/_synapse/admin/v1/send_server_notice";

    @Mixin
    ConfigOption config;

    @Option(names = {"-u", "--user"}, required = true, description = "The recipient: a user ID or a localpart")
    String user;

    @Option(names = {"-m", "--message"}, required = true, description = "The notice text")
    String message;

    @Option(names = "--usage-limit", paramLabel = "LIMIT_TYPE",
            description = "Send an m.server_notice.usage_limit_reached notice with this limit_type (e.g. monthly_active_user)")
    String usageLimit;

    @Option(names = "--admin-contact", paramLabel = "URI", description = "admin_contact of a usage limit notice (e.g. mailto:admin@example.org)")
    String adminContact;

    @Option(names = "--url", paramLabel = "URL", description = "The running server's base URL (default: from listen in the config)")
    String url;

    @Override
    public Integer call() {
        Config cfg;
        try {
            cfg = config.load();
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        }
        if (!cfg.serverNotices().enabled()) {
            System.err.println("myelin: server notices are not enabled: set server_notices.system_user_localpart in the config");
            return 2;
        }
        if ((usageLimit == null) != (adminContact == null)) {
            System.err.println("myelin: --usage-limit and --admin-contact go together");
            return 2;
        }
        Logging.init("warn");
        String userId = user.startsWith("@") ? user : UserIds.of(user.toLowerCase(Locale.ROOT), cfg.serverName());
        ObjectNode content = usageLimit == null ? ServerNotices.text(message)
                : ServerNotices.usageLimitReached(message, usageLimit, adminContact);
        Myelin.Services s;
        try {
            s = Myelin.openServices(cfg);
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        }
        try (var db = s.db()) {
            String base = url != null ? url : localUrl(cfg);
            if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
            if (answers(base)) return viaServer(s, cfg, base, userId, content);
            if (url != null) {
                System.err.println("myelin: no Myelin server answers at " + url);
                return 1;
            }
            ServerNotices notices = new ServerNotices(cfg.serverNotices(), cfg.serverName(), s.accounts(), s.rooms(),
                    new JdbcServerNoticeStore(s.db()));
            String eventId = notices.send(userId, "m.room.message", null, content, null).event().eventId();
            System.out.println("Sent " + eventId + " to " + userId + " (no server running: written to the database)");
            return 0;
        } catch (MatrixException e) {
            System.err.println("myelin: " + e.getMessage());
            return 1;
        }
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    static String localUrl(Config cfg) {
        String host = cfg.listenHost();
        if (host.equals("0.0.0.0") || host.isEmpty()) host = "127.0.0.1";
        else if (host.equals("::")) host = "::1";
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return "http://" + host + ":" + cfg.listenPort();
    }

    private static boolean answers(String base) {
        try {
            HttpResponse<Void> r = http().send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/versions"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static int viaServer(Myelin.Services s, Config cfg, String base, String userId, ObjectNode content) throws MatrixException {
        String system = UserIds.of(cfg.serverNotices().systemUserLocalpart(), cfg.serverName());
        if (!s.accounts().exists(system)) {
            try {
                s.accounts().create(system, null, false, false, cfg.serverNotices().systemUserDisplayname(), null);
            } catch (MatrixException e) {
                if (!"M_USER_IN_USE".equals(e.errcode())) throw e;
            }
        }
        String device = Secrets.deviceId();
        String token = Secrets.token(TokenService.ACCESS_PREFIX);
        s.accountStore().login(new AccountStore.NewLogin(system, device, "myelin send-server-notice", Secrets.tokenHash(token),
                System.currentTimeMillis() + 120_000, null));
        try {
            ObjectNode body = Json.object();
            body.put("user_id", userId);
            body.set("content", content);
            HttpResponse<byte[]> r = http().send(HttpRequest.newBuilder(URI.create(base + PATH))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode res = r.body().length == 0 ? Json.object() : Json.parse(r.body());
            if (r.statusCode() != 200) {
                System.err.println("myelin: the server refused the notice: " + r.statusCode() + " "
                        + res.path("errcode").asText("") + " " + res.path("error").asText(""));
                return 1;
            }
            System.out.println("Sent " + res.path("event_id").asText() + " to " + userId);
            return 0;
        } catch (Exception e) {
            System.err.println("myelin: sending through " + base + " failed: " + e.getMessage());
            return 1;
        } finally {
            s.accountStore().deleteDevices(system, List.of(device));
        }
    }
}
