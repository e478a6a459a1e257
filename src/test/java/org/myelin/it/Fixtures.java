package org.myelin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.http.Json;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers shared by the integration-test fixtures: users bound to a client whose requests fail the
 * test on any 5xx, exact response assertions, paths and bodies, room actions, /sync helpers and
 * accessors into sync responses. Each package's fixture (RoomFx, SyncFx, ...) extends this class and
 * adds only what is specific to its tests, so that {@code import static ...RoomFx.*} and
 * {@code RoomFx.ok(...)} reach these methods too.
 */
public class Fixtures {
    public static final String V3 = "/_matrix/client/v3";
    public static final String V1 = "/_matrix/client/v1";
    private static final AtomicInteger TXN = new AtomicInteger();

    protected Fixtures() {}

    /** The server most tests share. */
    public static Myelin server() { return TestServer.shared(); }

    public static String serverName() { return TestServer.SERVER_NAME; }

    /** A client without a token on the shared server. */
    public static Client anon() { return anon(server()); }

    public static Client anon(Myelin server) { return new Client(server.port()); }

    // ------------------------------------------------------------------ users

    /** A logged-in device of a user; every request through it fails the test on a 5xx. */
    public record U(User user, Client c) {
        public String id() { return user.userId(); }

        public String device() { return user.deviceId(); }

        public String token() { return user.token(); }

        public Resp get(String path) { return noServerError("GET " + path, c.get(path)); }

        public Resp post(String path, Object body) { return noServerError("POST " + path, c.post(path, body)); }

        public Resp put(String path, Object body) { return noServerError("PUT " + path, c.put(path, body)); }

        public Resp delete(String path) { return noServerError("DELETE " + path, c.delete(path)); }

        public Resp delete(String path, Object body) { return send("DELETE", path, body); }

        public Resp send(String method, String path, Object body) {
            return noServerError(method + " " + path, c.send(method, path, body));
        }

        /** Sends the bytes as they are, labelled as JSON. */
        public Resp raw(String method, String path, byte[] body) {
            return noServerError(method + " " + path, c.raw(method, path, body, Map.of("Content-Type", "application/json")));
        }

        @Override
        public String toString() { return id() + "/" + device(); }
    }

    /** A new user, registered through the API (open registration) on the shared server. */
    public static U user(String prefix) { return user(server(), prefix); }

    public static U user(Myelin server, String prefix) {
        Client c = anon(server);
        User u = c.register(prefix);
        return new U(u, c.as(u));
    }

    /** A new user registered through the API and then made a server admin directly. */
    public static U admin(String prefix) { return admin(server(), prefix); }

    public static U admin(Myelin server, String prefix) {
        U u = user(server, prefix);
        server.accounts().setAdmin(u.id(), true);
        return u;
    }

    public static U guest() { return guest(server()); }

    public static U guest(Myelin server) {
        Client c = anon(server);
        Resp r = noServerError("guest register", c.post(V3 + "/register?kind=guest", map()));
        assertEquals(200, r.status(), r::toString);
        User g = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), null);
        return new U(g, c.as(g));
    }

    /** A second device of the same user (a fresh password login on the same server). */
    public static U otherDevice(U u) { return login(u, null, null); }

    /** Another device of the same user: a fresh password login, optionally with a device ID and display name. */
    public static U login(U u, String deviceId, String displayName) {
        Client c = u.c().anonymous();
        Map<String, Object> body = passwordLogin(u.id(), u.user().password());
        if (deviceId != null) body.put("device_id", deviceId);
        if (displayName != null) body.put("initial_device_display_name", displayName);
        Resp r = noServerError("login", c.post(V3 + "/login", body));
        assertEquals(200, r.status(), r::toString);
        User d = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), u.user().password());
        return new U(d, c.as(d));
    }

    public static Map<String, Object> passwordLogin(String user, String password) {
        return map("type", "m.login.password", "identifier", map("type", "m.id.user", "user", user), "password", password);
    }

    // ------------------------------------------------------------------ assertions

    /** Fails on any 5xx: the server must never answer client input with an internal error. */
    public static Resp noServerError(String what, Resp r) {
        if (r.status() >= 500) fail(what + " -> server error " + r);
        return r;
    }

    /** Asserts a 200 whose body is a JSON object, and returns the body. */
    public static JsonNode ok(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
        assertTrue(r.body().isObject(), () -> "body must be a JSON object: " + r);
        return r.body();
    }

    /** Asserts a 200 whose body is a JSON array, and returns the body. */
    public static JsonNode okArray(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
        assertTrue(r.body().isArray(), () -> "body must be a JSON array: " + r);
        return r.body();
    }

    /** Asserts an error response exactly: status, errcode, and a human-readable "error" string. */
    public static Resp err(Resp r, int status, String errcode) {
        assertEquals(status, r.status(), () -> "unexpected response " + r);
        assertEquals(errcode, r.errcode(), () -> "unexpected errcode in " + r);
        assertTrue(r.body().path("error").isTextual(), () -> "error must be a string in " + r);
        return r;
    }

    public static Resp forbidden(Resp r) { return err(r, 403, "M_FORBIDDEN"); }

    public static Resp notFound(Resp r) { return err(r, 404, "M_NOT_FOUND"); }

    // ------------------------------------------------------------------ paths and bodies

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    public static String enc(String s) { return Client.enc(s); }

    public static String room(String roomId) { return V3 + "/rooms/" + enc(roomId); }

    public static String state(String roomId, String type, String stateKey) {
        return room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey);
    }

    /** A transaction ID unique in this test run. */
    public static String txn() { return "txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(); }

    public static Map<String, Object> text(String body) { return map("msgtype", "m.text", "body", body); }

    public static JsonNode missing() { return MissingNode.getInstance(); }

    // ------------------------------------------------------------------ room actions

    public static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        assertTrue(id.startsWith("!"), r::toString);
        return id;
    }

    public static String createRoom(U u) { return createRoom(u, map()); }

    public static String publicRoom(U u) { return createRoom(u, map("preset", "public_chat")); }

    public static String send(U u, String roomId, Map<String, Object> content) {
        return sendEvent(u, roomId, "m.room.message", content);
    }

    public static String send(U u, String roomId, String body) { return send(u, roomId, text(body)); }

    public static String sendEvent(U u, String roomId, String type, Map<String, Object> content) {
        return sendTxn(u, roomId, type, content, txn());
    }

    public static String sendTxn(U u, String roomId, String type, Map<String, Object> content, String txnId) {
        Resp r = u.put(room(roomId) + "/send/" + enc(type) + "/" + enc(txnId), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        assertTrue(id.startsWith("$"), r::toString);
        return id;
    }

    public static String setState(U u, String roomId, String type, String stateKey, Object content) {
        Resp r = u.put(state(roomId, type, stateKey), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    /** The content of a state event; fails unless it exists and the user may see it. */
    public static JsonNode getState(U u, String roomId, String type, String stateKey) {
        return ok(u.get(state(roomId, type, stateKey)));
    }

    public static JsonNode stateEvent(U u, String roomId, String type, String stateKey) {
        return ok(u.get(state(roomId, type, stateKey) + "?format=event"));
    }

    /** Joins and asserts success. */
    public static void join(U u, String roomIdOrAlias) {
        Resp r = tryJoin(u, roomIdOrAlias);
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().path("room_id").asText("").startsWith("!"), r::toString);
    }

    public static void invite(U by, String roomId, U who) { ok(tryInvite(by, roomId, who)); }

    public static void leave(U u, String roomId) { ok(tryLeave(u, roomId)); }

    /** The join request's response, for tests that expect it may be refused. */
    public static Resp tryJoin(U u, String roomIdOrAlias) { return u.post(V3 + "/join/" + enc(roomIdOrAlias), map()); }

    public static Resp tryInvite(U by, String roomId, U who) { return by.post(room(roomId) + "/invite", map("user_id", who.id())); }

    public static Resp tryLeave(U u, String roomId) { return u.post(room(roomId) + "/leave", map()); }

    /** A user's membership as the viewer sees it; fails unless the viewer may read that member event. */
    public static String membership(U viewer, String roomId, String userId) {
        return getState(viewer, roomId, "m.room.member", userId).path("membership").asText(null);
    }

    /** A user's membership as the viewer sees it, or null when the viewer gets no member event (any non-200). */
    public static String membershipOrNull(U viewer, String roomId, String userId) {
        Resp r = viewer.get(state(roomId, "m.room.member", userId));
        return r.status() == 200 ? r.body().path("membership").asText(null) : null;
    }

    public static List<String> joinedRooms(U u) { return texts(ok(u.get(V3 + "/joined_rooms")).path("joined_rooms")); }

    /** The elements of a JSON array as text (JSON null as null). */
    public static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
        return out;
    }

    // ------------------------------------------------------------------ /sync

    /** A /sync that returns at once (initial when since is null). */
    public static JsonNode sync(U u, String since) { return sync(u, since, 0); }

    public static JsonNode sync(U u, String since, long timeoutMs) { return sync(u, since, timeoutMs, ""); }

    public static JsonNode sync(U u, String since, String filter) { return sync(u, since, filter, 0); }

    public static JsonNode sync(U u, String since, String filter, long timeoutMs) {
        return sync(u, since, timeoutMs, filter == null ? "" : "&filter=" + enc(filter));
    }

    /** A /sync with extra query parameters (each starting with '&'); asserts a next_batch. */
    public static JsonNode sync(U u, String since, long timeoutMs, String extraQuery) {
        StringBuilder q = new StringBuilder(V3 + "/sync?timeout=" + timeoutMs);
        if (since != null) q.append("&since=").append(enc(since));
        q.append(extraQuery);
        JsonNode b = ok(u.get(q.toString()));
        assertTrue(b.path("next_batch").isTextual(), b::toString);
        return b;
    }

    public static JsonNode initialSync(U u) { return sync(u, null); }

    public static String nextBatch(JsonNode sync) {
        String nb = sync.path("next_batch").asText(null);
        assertNotNull(nb, () -> "no next_batch in " + sync);
        return nb;
    }

    public static String filterJson(Object filter) { return Json.writeString(Json.MAPPER.valueToTree(filter)); }

    public static JsonNode joined(JsonNode sync, String roomId) { return sync.path("rooms").path("join").path(roomId); }

    /** The timeline events of a joined room in a sync response. */
    public static JsonNode timeline(JsonNode sync, String roomId) { return joined(sync, roomId).path("timeline").path("events"); }

    public static List<String> ids(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("event_id").asText()));
        return out;
    }

    /** The bodies of the m.room.message events in a list. */
    public static List<String> bodies(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> {
            if ("m.room.message".equals(e.path("type").asText())) out.add(e.path("content").path("body").asText());
        });
        return out;
    }

    public static List<String> types(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    // ------------------------------------------------------------------ the database

    /** A direct connection to a server's database (SQLite or PostgreSQL), for reading or ageing rows. */
    public static Connection connect(Myelin server) throws Exception {
        Config cfg = server.config();
        if (!cfg.usesPostgres()) return DriverManager.getConnection("jdbc:sqlite:" + cfg.sqlitePath().toAbsolutePath());
        URI uri = URI.create(cfg.database().replaceFirst("^postgres(ql)?://", "http://"));
        Properties p = new Properties();
        if (uri.getUserInfo() != null) {
            String[] ui = uri.getUserInfo().split(":", 2);
            p.setProperty("user", ui[0]);
            if (ui.length > 1) p.setProperty("password", ui[1]);
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath(), p);
    }
}
