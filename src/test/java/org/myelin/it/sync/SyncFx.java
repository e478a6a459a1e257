package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.myelin.http.Json;
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
 * Fixtures for the sync and history tests: users bound to a client (every request fails the test
 * on a 5xx), room actions, /sync and /messages helpers, and accessors into sync responses.
 */
final class SyncFx {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private SyncFx() {}

    static Client anon() { return new Client(TestServer.shared().port()); }

    /** A logged-in device of a user. */
    record U(User user, Client c) {
        String id() { return user.userId(); }

        String token() { return user.token(); }

        Resp get(String path) { return noServerError("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return noServerError("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return noServerError("PUT " + path, c.put(path, body)); }

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

    static U guest() {
        Resp r = anon().post(V3 + "/register?kind=guest", map());
        assertEquals(200, r.status(), r::toString);
        User g = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), null);
        return new U(g, anon().as(g));
    }

    static Resp noServerError(String what, Resp r) {
        if (r.status() >= 500) fail(what + " -> server error " + r);
        return r;
    }

    static JsonNode ok(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
        assertTrue(r.body().isObject() || r.body().isArray(), () -> "body must be JSON: " + r);
        return r.body();
    }

    static Resp err(Resp r, int status, String errcode) {
        assertEquals(status, r.status(), () -> "unexpected response " + r);
        assertEquals(errcode, r.errcode(), () -> "unexpected errcode in " + r);
        return r;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String enc(String s) { return Client.enc(s); }

    static String room(String roomId) { return V3 + "/rooms/" + enc(roomId); }

    static String txn() { return "txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(); }

    static Map<String, Object> text(String body) { return map("msgtype", "m.text", "body", body); }

    // ------------------------------------------------------------------ room actions

    static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    /** A public room with the given history visibility. */
    static String roomWith(U creator, String historyVisibility) {
        return createRoom(creator, map("preset", "public_chat", "initial_state",
                List.of(map("type", "m.room.history_visibility", "content", map("history_visibility", historyVisibility)))));
    }

    static String send(U u, String roomId, String body) { return sendEvent(u, roomId, "m.room.message", text(body)); }

    static String sendEvent(U u, String roomId, String type, Map<String, Object> content) {
        return sendTxn(u, roomId, type, content, txn());
    }

    static String sendTxn(U u, String roomId, String type, Map<String, Object> content, String txnId) {
        Resp r = u.put(room(roomId) + "/send/" + enc(type) + "/" + enc(txnId), content);
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static String setState(U u, String roomId, String type, String stateKey, Object content) {
        Resp r = u.put(room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey), content);
        return ok(r).path("event_id").asText();
    }

    static void join(U u, String roomId) { ok(u.post(V3 + "/join/" + enc(roomId), map())); }

    static void invite(U by, String roomId, U who) { ok(by.post(room(roomId) + "/invite", map("user_id", who.id()))); }

    static void leave(U u, String roomId) { ok(u.post(room(roomId) + "/leave", map())); }

    // ------------------------------------------------------------------ /sync

    static JsonNode sync(U u, String since, String filter) { return sync(u, since, filter, 0); }

    static JsonNode sync(U u, String since, String filter, long timeout) {
        StringBuilder q = new StringBuilder(V3 + "/sync?timeout=" + timeout);
        if (since != null) q.append("&since=").append(enc(since));
        if (filter != null) q.append("&filter=").append(enc(filter));
        JsonNode b = ok(u.get(q.toString()));
        assertTrue(b.path("next_batch").isTextual(), b::toString);
        return b;
    }

    static JsonNode initialSync(U u) { return sync(u, null, null); }

    static String filterJson(Object filter) { return Json.writeString(Json.MAPPER.valueToTree(filter)); }

    static JsonNode joined(JsonNode sync, String roomId) { return sync.path("rooms").path("join").path(roomId); }

    static JsonNode timeline(JsonNode sync, String roomId) { return joined(sync, roomId).path("timeline").path("events"); }

    static List<String> ids(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("event_id").asText()));
        return out;
    }

    static List<String> bodies(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> {
            if ("m.room.message".equals(e.path("type").asText())) out.add(e.path("content").path("body").asText());
        });
        return out;
    }

    static List<String> types(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    /** The last event with this type and state key in a list, or a missing node. */
    static JsonNode find(JsonNode events, String type, String stateKey) {
        JsonNode found = MissingNode.getInstance();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals(type) && (stateKey == null || stateKey.equals(e.path("state_key").asText(null)))) {
                found = e;
            }
        }
        return found;
    }

    static JsonNode findId(JsonNode events, String eventId) {
        for (JsonNode e : events) if (eventId.equals(e.path("event_id").asText())) return e;
        return MissingNode.getInstance();
    }

    /** Member state keys of the m.room.member events in a list. */
    static List<String> memberKeys(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> {
            if ("m.room.member".equals(e.path("type").asText())) out.add(e.path("state_key").asText());
        });
        return out;
    }

    // ------------------------------------------------------------------ history

    static Resp messagesResp(U u, String roomId, String dir, String from, String to, Integer limit, String filter) {
        StringBuilder q = new StringBuilder(room(roomId) + "/messages?dir=" + dir);
        if (from != null) q.append("&from=").append(enc(from));
        if (to != null) q.append("&to=").append(enc(to));
        if (limit != null) q.append("&limit=").append(limit);
        if (filter != null) q.append("&filter=").append(enc(filter));
        return u.get(q.toString());
    }

    static JsonNode messages(U u, String roomId, String dir, String from, Integer limit) {
        return ok(messagesResp(u, roomId, dir, from, null, limit, null));
    }

    /** Every event a user can page through backwards from the present, oldest first. */
    static List<JsonNode> allBackwards(U u, String roomId) {
        List<JsonNode> out = new ArrayList<>();
        String from = null;
        for (int i = 0; i < 1000; i++) {
            JsonNode m = ok(messagesResp(u, roomId, "b", from, null, 50, null));
            m.path("chunk").forEach(e -> out.add(0, e));
            if (!m.has("end")) return out;
            from = m.path("end").asText();
        }
        throw new AssertionError("pagination did not end");
    }

    static Resp context(U u, String roomId, String eventId, Integer limit, String filter) {
        StringBuilder q = new StringBuilder(room(roomId) + "/context/" + enc(eventId) + "?");
        if (limit != null) q.append("limit=").append(limit).append('&');
        if (filter != null) q.append("filter=").append(enc(filter));
        return u.get(q.toString());
    }

    static Resp event(U u, String roomId, String eventId) { return u.get(room(roomId) + "/event/" + enc(eventId)); }
}
