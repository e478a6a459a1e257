package org.myelin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Matrix Client-Server API client for load generation, always aimed at 127.0.0.1. Blocking
 * calls, meant to be made from virtual threads; one instance (one connection pool) may be shared by
 * many of them.
 */
public final class MatrixClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "/_matrix/client/v3";

    /** A logged-in device. */
    public record User(String userId, String accessToken, String deviceId) {}

    /** A non-2xx answer. */
    public static final class HttpError extends IOException {
        private final int status;
        private final String errcode;

        HttpError(String method, String path, int status, JsonNode body) {
            super(method + " " + path + " -> " + status + " " + body);
            this.status = status;
            this.errcode = body.path("errcode").asText(null);
        }

        public int status() { return status; }

        public String errcode() { return errcode; }
    }

    public record Response(int status, JsonNode body) {}

    private final HttpClient http;
    private final String base;
    private final AtomicLong txn = new AtomicLong();
    private final String txnPrefix = "b" + Long.toHexString(System.nanoTime());

    public MatrixClient(int port) {
        this.base = "http://" + ServerProcess.HOST + ":" + port;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** One request; {@code body} is anything Jackson can write (a Map, a JsonNode) or null. */
    public Response request(String method, String path, String token, Object body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = r.body().length == 0 ? MissingNode.getInstance() : parse(r.body());
        return new Response(r.statusCode(), json);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** A request that must succeed (2xx); returns the JSON body. */
    public JsonNode call(String method, String path, String token, Object body) throws IOException, InterruptedException {
        Response r = request(method, path, token, body, Duration.ofSeconds(60));
        if (r.status() / 100 != 2) throw new HttpError(method, path, r.status(), r.body());
        return r.body();
    }

    public JsonNode versions() throws IOException, InterruptedException {
        return call("GET", "/_matrix/client/versions", null, null);
    }

    /** Open registration with user-interactive auth: the first POST yields a session, the second completes m.login.dummy. */
    public User register(String username, String password) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        Response first = request("POST", CLIENT + "/register", null, body, Duration.ofSeconds(60));
        if (first.status() == 200) return user(first.body());
        String session = first.body().path("session").asText(null);
        if (first.status() != 401 || session == null) throw new HttpError("POST", CLIENT + "/register", first.status(), first.body());
        body.put("auth", Map.of("type", "m.login.dummy", "session", session));
        return user(call("POST", CLIENT + "/register", null, body));
    }

    /** Synapse-style shared-secret registration (nonce + HMAC-SHA1), the fast way to create many users. */
    public User registerWithSharedSecret(String username, String password, boolean admin) throws IOException, InterruptedException {
        String path = "/_synapse/admin/v1/register";
        String nonce = call("GET", path, null, null).path("nonce").asText();
        String mac;
        try {
            Mac h = Mac.getInstance("HmacSHA1");
            h.init(new SecretKeySpec(ServerProcess.SHARED_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            h.update((nonce + "\0" + username + "\0" + password + "\0" + (admin ? "admin" : "notadmin"))
                    .getBytes(StandardCharsets.UTF_8));
            mac = HexFormat.of().formatHex(h.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return user(call("POST", path, null, Map.of("nonce", nonce, "username", username, "password", password,
                "admin", admin, "mac", mac)));
    }

    public User login(String username, String password) throws IOException, InterruptedException {
        return user(call("POST", CLIENT + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", username), "password", password)));
    }

    private static User user(JsonNode r) {
        return new User(r.path("user_id").asText(), r.path("access_token").asText(null), r.path("device_id").asText(null));
    }

    /** POST /createRoom; returns the room ID. */
    public String createRoom(User u, Map<String, Object> body) throws IOException, InterruptedException {
        return call("POST", CLIENT + "/createRoom", u.accessToken(), body).path("room_id").asText();
    }

    public void join(User u, String roomIdOrAlias) throws IOException, InterruptedException {
        call("POST", CLIENT + "/join/" + enc(roomIdOrAlias), u.accessToken(), Map.of());
    }

    public void invite(User u, String roomId, String userId) throws IOException, InterruptedException {
        call("POST", CLIENT + "/rooms/" + enc(roomId) + "/invite", u.accessToken(), Map.of("user_id", userId));
    }

    /** PUT /rooms/{roomId}/send/{type}/{txnId} with a fresh txnId; returns the event ID. */
    public String send(User u, String roomId, String type, Object content) throws IOException, InterruptedException {
        String path = CLIENT + "/rooms/" + enc(roomId) + "/send/" + enc(type) + "/" + txnPrefix + "-" + txn.incrementAndGet();
        return call("PUT", path, u.accessToken(), content).path("event_id").asText();
    }

    public String sendText(User u, String roomId, String text) throws IOException, InterruptedException {
        return send(u, roomId, "m.room.message", Map.of("msgtype", "m.text", "body", text));
    }

    /** GET /sync; {@code since} and {@code filter} may be null. The request may wait up to timeoutMs on the server. */
    public JsonNode sync(User u, String since, long timeoutMs, String filter) throws IOException, InterruptedException {
        StringBuilder path = new StringBuilder(CLIENT + "/sync?timeout=").append(timeoutMs);
        if (since != null) path.append("&since=").append(enc(since));
        if (filter != null) path.append("&filter=").append(enc(filter));
        Response r = request("GET", path.toString(), u.accessToken(), null, Duration.ofMillis(timeoutMs + 60_000));
        if (r.status() != 200) throw new HttpError("GET", path.toString(), r.status(), r.body());
        return r.body();
    }

    /**
     * Open registration (m.login.dummy) without a password: no password hash, so thousands of
     * users can be made in seconds. Such users cannot log in again; their first token is all they get.
     */
    public User registerWithoutPassword(String username) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("initial_device_display_name", "bench");
        Response first = request("POST", CLIENT + "/register", null, body, Duration.ofSeconds(60));
        if (first.status() == 200) return user(first.body());
        String session = first.body().path("session").asText(null);
        if (first.status() != 401 || session == null) throw new HttpError("POST", CLIENT + "/register", first.status(), first.body());
        body.put("auth", Map.of("type", "m.login.dummy", "session", session));
        return user(call("POST", CLIENT + "/register", null, body));
    }

    /**
     * One sample (the unlabelled series) from the server's Prometheus text at GET /_myelin/metrics,
     * e.g. myelin_db_statements_total; NaN when the server does not report it.
     */
    public double metric(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/_myelin/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /_myelin/metrics -> " + r.statusCode());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).strip());
        }
        return Double.NaN;
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
