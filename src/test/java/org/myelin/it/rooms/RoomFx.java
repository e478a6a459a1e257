package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.http.Json;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the room integration tests: users bound to a client, request helpers that fail on
 * any 5xx, exact error assertions, and a read-only look at the server's event table (the only way
 * to see the order of a room's events before /messages and /sync exist).
 */
final class RoomFx {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private RoomFx() {}

    static Myelin server() { return TestServer.shared(); }

    static Client anon() { return new Client(server().port()); }

    // ------------------------------------------------------------------ users

    /** A logged-in device of a user; every request through it fails the test on a 5xx. */
    record U(User user, Client c) {
        String id() { return user.userId(); }

        String device() { return user.deviceId(); }

        Resp get(String path) { return noServerError("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return noServerError("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return noServerError("PUT " + path, c.put(path, body)); }

        Resp delete(String path) { return noServerError("DELETE " + path, c.delete(path)); }

        Resp raw(String method, String path, byte[] body) {
            return noServerError(method + " " + path, c.raw(method, path, body, Map.of("Content-Type", "application/json")));
        }

        @Override
        public String toString() { return id() + "/" + device(); }
    }

    static U user(String prefix) {
        Client c = anon();
        User u = c.register(prefix);
        return new U(u, c.as(u));
    }

    /** A second device of the same user (a fresh login). */
    static U otherDevice(U u) {
        Client c = anon();
        Resp r = noServerError("login", c.post(V3 + "/login", map("type", "m.login.password",
                "identifier", map("type", "m.id.user", "user", u.id()), "password", u.user().password())));
        assertEquals(200, r.status(), r::toString);
        User d = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), u.user().password());
        return new U(d, c.as(d));
    }

    // ------------------------------------------------------------------ assertions

    /** Fails on any 5xx: the server must never answer client input with an internal error. */
    static Resp noServerError(String what, Resp r) {
        if (r.status() >= 500) fail(what + " -> server error " + r);
        return r;
    }

    static JsonNode ok(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
        assertTrue(r.body().isObject(), () -> "body must be a JSON object: " + r);
        return r.body();
    }

    static Resp err(Resp r, int status, String errcode) {
        assertEquals(status, r.status(), () -> "unexpected response " + r);
        assertEquals(errcode, r.errcode(), () -> "unexpected errcode in " + r);
        assertTrue(r.body().path("error").isTextual(), () -> "error must be a string in " + r);
        return r;
    }

    static Resp forbidden(Resp r) { return err(r, 403, "M_FORBIDDEN"); }

    static Resp notFound(Resp r) { return err(r, 404, "M_NOT_FOUND"); }

    // ------------------------------------------------------------------ paths and bodies

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String enc(String s) { return Client.enc(s); }

    static String room(String roomId) { return V3 + "/rooms/" + enc(roomId); }

    static String txn() { return "txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(); }

    static String state(String roomId, String type, String stateKey) {
        return room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey);
    }

    static String event(String roomId, String eventId) { return room(roomId) + "/event/" + enc(eventId); }

    static Map<String, Object> text(String body) { return map("msgtype", "m.text", "body", body); }

    // ------------------------------------------------------------------ actions

    static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        assertTrue(id.startsWith("!"), r::toString);
        return id;
    }

    static String createRoom(U u) { return createRoom(u, map()); }

    static String publicRoom(U u) { return createRoom(u, map("preset", "public_chat")); }

    static String publicRoom(U u, String version) { return createRoom(u, map("preset", "public_chat", "room_version", version)); }

    static String send(U u, String roomId, Map<String, Object> content) {
        return sendEvent(u, roomId, "m.room.message", content);
    }

    static String send(U u, String roomId, String body) { return send(u, roomId, text(body)); }

    static String sendEvent(U u, String roomId, String type, Map<String, Object> content) {
        Resp r = u.put(room(roomId) + "/send/" + enc(type) + "/" + txn(), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        assertTrue(id.startsWith("$"), r::toString);
        return id;
    }

    static String setState(U u, String roomId, String type, String stateKey, Object content) {
        Resp r = u.put(state(roomId, type, stateKey), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static JsonNode getState(U u, String roomId, String type, String stateKey) {
        return ok(u.get(state(roomId, type, stateKey)));
    }

    static JsonNode stateEvent(U u, String roomId, String type, String stateKey) {
        return ok(u.get(state(roomId, type, stateKey) + "?format=event"));
    }

    static JsonNode getEvent(U u, String roomId, String eventId) { return ok(u.get(event(roomId, eventId))); }

    static void join(U u, String roomIdOrAlias) {
        Resp r = u.post(V3 + "/join/" + enc(roomIdOrAlias), map());
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().path("room_id").asText("").startsWith("!"), r::toString);
    }

    static void invite(U by, String roomId, U who) { ok(by.post(room(roomId) + "/invite", map("user_id", who.id()))); }

    static void leave(U u, String roomId) { ok(u.post(room(roomId) + "/leave", map())); }

    static String membership(U viewer, String roomId, String userId) {
        return getState(viewer, roomId, "m.room.member", userId).path("membership").asText(null);
    }

    static List<String> joinedRooms(U u) {
        JsonNode b = ok(u.get(V3 + "/joined_rooms"));
        List<String> out = new ArrayList<>();
        b.path("joined_rooms").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Current state as returned by GET /state, keyed "type|state_key". */
    static Map<String, JsonNode> stateMap(U u, String roomId) {
        Resp r = u.get(room(roomId) + "/state");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().isArray(), r::toString);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : r.body()) {
            String k = e.path("type").asText() + "|" + e.path("state_key").asText();
            assertFalse(out.containsKey(k), () -> "duplicate state entry " + k + " in " + r);
            out.put(k, e);
        }
        return out;
    }

    static Map<String, Object> pl(Object... kv) { return map(kv); }

    // ------------------------------------------------------------------ the event table (read-only)

    /** One stored event of a room, in stream order: its type, state key and full PDU. */
    record Stored(String eventId, String type, String stateKey, JsonNode pdu) {
        String key() { return stateKey == null ? type : type + "|" + stateKey; }
    }

    /** The room's events in the order the server persisted them. */
    static List<Stored> timeline(String roomId) {
        Config cfg = server().config();
        try (Connection c = connect(cfg);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT event_id, type, state_key, json FROM events WHERE room_id = ? ORDER BY stream_ordering")) {
            ps.setString(1, roomId);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), Json.MAPPER.readTree(rs.getString(4))));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the event table", e);
        }
    }

    /** Rooms whose create event names roomId as predecessor (upgrades of it, finished or abandoned). */
    static List<String> successors(String roomId) {
        Config cfg = server().config();
        try (Connection c = connect(cfg);
             PreparedStatement ps = c.prepareStatement("SELECT room_id, json FROM events WHERE type = 'm.room.create'")) {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode pdu = Json.MAPPER.readTree(rs.getString(2));
                    if (roomId.equals(pdu.path("content").path("predecessor").path("room_id").asText(null))) out.add(rs.getString(1));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the event table", e);
        }
    }

    static long countEvents(String roomId, String type) {
        return timeline(roomId).stream().filter(s -> s.type().equals(type)).count();
    }

    private static Connection connect(Config cfg) throws Exception {
        if (!cfg.usesPostgres()) return DriverManager.getConnection("jdbc:sqlite:" + cfg.sqlitePath().toAbsolutePath());
        URI uri = URI.create(cfg.database());
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
