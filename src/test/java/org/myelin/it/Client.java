package org.myelin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.myelin.http.Json;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal HTTP client for tests: JSON in, status + JSON out, optional bearer token. */
public final class Client {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public record Resp(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
        public String str(String field) {
            JsonNode n = body.get(field);
            return n == null ? null : n.asText();
        }

        public String errcode() { return str("errcode"); }

        @Override
        public String toString() { return status + " " + body; }
    }

    public record User(String userId, String token, String deviceId, String password) {}

    private final String base;
    private final String token;

    public Client(int port) { this("http://127.0.0.1:" + port, null); }

    private Client(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public Client as(String token) { return new Client(base, token); }

    public Client as(User u) { return as(u.token()); }

    /** The same server without a token. */
    public Client anonymous() { return new Client(base, null); }

    public String base() { return base; }

    public Resp get(String path) { return send("GET", path, null); }

    public Resp delete(String path) { return send("DELETE", path, null); }

    public Resp post(String path, Object body) { return send("POST", path, body); }

    public Resp put(String path, Object body) { return send("PUT", path, body); }

    public Resp send(String method, String path, Object body) {
        byte[] bytes = body == null ? null : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                : body instanceof byte[] b ? b : Json.write(body);
        return raw(method, path, bytes, Map.of());
    }

    public Resp raw(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode n;
            try {
                n = r.body().length == 0 ? MissingNode.getInstance() : Json.MAPPER.readTree(r.body());
            } catch (Exception e) {
                n = MissingNode.getInstance();
            }
            return new Resp(r.statusCode(), n, r.headers().map());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    public static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    /** A unique localpart for this test run. */
    public static String unique(String prefix) { return prefix + "-" + System.nanoTime() % 1_000_000_000 + "-" + COUNTER.incrementAndGet(); }

    /** Registers a new user through open registration (m.login.dummy). */
    public User register(String prefix) {
        String name = unique(prefix);
        String password = "pw-" + name;
        Resp r = post("/_matrix/client/v3/register", Map.of("username", name, "password", password,
                "auth", Map.of("type", "m.login.dummy")));
        if (r.status() != 200) throw new IllegalStateException("register failed: " + r);
        return new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), password);
    }
}
