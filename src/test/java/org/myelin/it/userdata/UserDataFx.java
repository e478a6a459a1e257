package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the per-user data tests (account data, tags, ignoring, receipts, read markers):
 * users bound to a client whose requests fail the test on any 5xx, room actions, /sync helpers and
 * accessors into sync responses.
 */
final class UserDataFx {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private UserDataFx() {}

    static Client anon() { return new Client(TestServer.shared().port()); }

    /** A logged-in device of a user. */
    record U(User user, Client c) {
        String id() { return user.userId(); }

        Resp get(String path) { return noServerError("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return noServerError("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return noServerError("PUT " + path, c.put(path, body)); }

        Resp delete(String path) { return noServerError("DELETE " + path, c.delete(path)); }

        Resp send(String method, String path, Object body) { return noServerError(method + " " + path, c.send(method, path, body)); }

        @Override
        public String toString() { return id(); }
    }

    static U user(String prefix) {
        Client c = anon();
        User u = c.register(prefix);
        return new U(u, c.as(u));
    }

    /** A second device (a fresh login) of a user. */
    static U otherDevice(U u) {
        Resp r = anon().post(V3 + "/login", map("type", "m.login.password",
                "identifier", map("type", "m.id.user", "user", u.id()), "password", u.user().password()));
        assertEquals(200, r.status(), r::toString);
        User d = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), u.user().password());
        return new U(d, anon().as(d));
    }

    // ------------------------------------------------------------------ assertions

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

    // ------------------------------------------------------------------ paths and bodies

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String enc(String s) { return Client.enc(s); }

    static String room(String roomId) { return V3 + "/rooms/" + enc(roomId); }

    static String accountData(U u, String type) { return V3 + "/user/" + enc(u.id()) + "/account_data/" + enc(type); }

    static String roomAccountData(U u, String roomId, String type) {
        return V3 + "/user/" + enc(u.id()) + "/rooms/" + enc(roomId) + "/account_data/" + enc(type);
    }

    static String tags(U u, String roomId) { return V3 + "/user/" + enc(u.id()) + "/rooms/" + enc(roomId) + "/tags"; }

    static String receipt(String roomId, String type, String eventId) {
        return room(roomId) + "/receipt/" + enc(type) + "/" + enc(eventId);
    }

    // ------------------------------------------------------------------ room actions

    static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static String publicRoom(U u) { return createRoom(u, map("preset", "public_chat")); }

    static void join(U u, String roomId) { ok(u.post(V3 + "/join/" + enc(roomId), map())); }

    static void invite(U by, String roomId, U who) { ok(by.post(room(roomId) + "/invite", map("user_id", who.id()))); }

    static String send(U u, String roomId, String body) {
        return sendEvent(u, roomId, "m.room.message", map("msgtype", "m.text", "body", body));
    }

    static String sendEvent(U u, String roomId, String type, Map<String, Object> content) {
        Resp r = u.put(room(roomId) + "/send/" + enc(type) + "/txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static String setState(U u, String roomId, String type, String stateKey, Map<String, Object> content) {
        Resp r = u.put(room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey), content);
        return ok(r).path("event_id").asText();
    }

    // ------------------------------------------------------------------ sync

    /** A /sync (initial when since is null) that returns at once. */
    static JsonNode sync(U u, String since) { return sync(u, since, 0); }

    static JsonNode sync(U u, String since, long timeoutMs) {
        String q = "?timeout=" + timeoutMs + (since == null ? "" : "&since=" + enc(since));
        return ok(u.get(V3 + "/sync" + q));
    }

    static JsonNode syncFiltered(U u, String since, String filterJson) {
        String q = "?timeout=0&filter=" + enc(filterJson) + (since == null ? "" : "&since=" + enc(since));
        return ok(u.get(V3 + "/sync" + q));
    }

    static String next(JsonNode sync) { return sync.path("next_batch").asText(); }

    static JsonNode joined(JsonNode sync, String roomId) { return sync.path("rooms").path("join").path(roomId); }

    /** Top-level account data events of a sync, by type (absent types are missing). */
    static Map<String, JsonNode> globalAccountData(JsonNode sync) { return byType(sync.path("account_data").path("events")); }

    static Map<String, JsonNode> roomData(JsonNode sync, String roomId) {
        return byType(joined(sync, roomId).path("account_data").path("events"));
    }

    private static Map<String, JsonNode> byType(JsonNode events) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            if (out.containsKey(type)) fail("account data type " + type + " delivered twice in one sync: " + events);
            out.put(type, e.path("content"));
        }
        return out;
    }

    /** The m.receipt events in a joined room's ephemeral section. */
    static List<JsonNode> receiptEvents(JsonNode sync, String roomId) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : joined(sync, roomId).path("ephemeral").path("events")) {
            if ("m.receipt".equals(e.path("type").asText())) out.add(e);
        }
        return out;
    }

    /** The receipt of a user of a type in a room's m.receipt events: its event ID and body, or null. */
    record Seen(String eventId, JsonNode receipt) {}

    static Seen receiptOf(JsonNode sync, String roomId, String type, String userId) {
        Seen found = null;
        for (JsonNode e : receiptEvents(sync, roomId)) {
            var it = e.path("content").properties().iterator();
            while (it.hasNext()) {
                var en = it.next();
                JsonNode r = en.getValue().path(type).path(userId);
                if (!r.isMissingNode()) found = new Seen(en.getKey(), r);
            }
        }
        return found;
    }

    static List<String> timelineBodies(JsonNode sync, String roomId) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : joined(sync, roomId).path("timeline").path("events")) {
            if ("m.room.message".equals(e.path("type").asText())) out.add(e.path("content").path("body").asText());
        }
        return out;
    }

    static List<String> timelineTypes(JsonNode sync, String roomId) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : joined(sync, roomId).path("timeline").path("events")) out.add(e.path("type").asText());
        return out;
    }

    static JsonNode missing() { return MissingNode.getInstance(); }
}
