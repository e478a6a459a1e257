package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Fixtures for the typing, presence, to-device and device tests: users, rooms, /sync, assertions. */
final class EphemeralFx {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private EphemeralFx() {}

    /** A logged-in device bound to a server; every request fails the test on a 5xx. */
    record U(User user, Client c, Myelin server) {
        String id() { return user.userId(); }

        String device() { return user.deviceId(); }

        Resp get(String path) { return check("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return check("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return check("PUT " + path, c.put(path, body)); }

        Resp delete(String path, Object body) { return check("DELETE " + path, c.send("DELETE", path, body)); }

        @Override
        public String toString() { return id() + "/" + device(); }
    }

    static Myelin shared() { return TestServer.shared(); }

    static Resp check(String what, Resp r) {
        if (r.status() >= 500) fail(what + " -> server error " + r);
        return r;
    }

    static U user(String prefix) { return user(shared(), prefix); }

    static U user(Myelin server, String prefix) {
        Client c = new Client(server.port());
        User u = c.register(prefix);
        return new U(u, c.as(u), server);
    }

    /** Another device of the same user (a fresh password login, optionally with a display name). */
    static U login(U u, String deviceId, String displayName) {
        Client c = new Client(u.server().port());
        Map<String, Object> body = map("type", "m.login.password", "identifier", map("type", "m.id.user", "user", u.id()),
                "password", u.user().password());
        if (deviceId != null) body.put("device_id", deviceId);
        if (displayName != null) body.put("initial_device_display_name", displayName);
        Resp r = check("login", c.post(V3 + "/login", body));
        assertEquals(200, r.status(), r::toString);
        User d = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), u.user().password());
        return new U(d, c.as(d), u.server());
    }

    static U guest(Myelin server) {
        Client c = new Client(server.port());
        Resp r = check("guest", c.post(V3 + "/register?kind=guest", map()));
        assertEquals(200, r.status(), r::toString);
        User g = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), null);
        return new U(g, c.as(g), server);
    }

    // ------------------------------------------------------------------ assertions

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

    // ------------------------------------------------------------------ helpers

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String enc(String s) { return Client.enc(s); }

    static String txn() { return "t" + System.nanoTime() + "-" + TXN.incrementAndGet(); }

    static String createRoom(U u) {
        Resp r = u.post(V3 + "/createRoom", map("preset", "public_chat"));
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static void join(U u, String roomId) {
        Resp r = u.post(V3 + "/join/" + enc(roomId), map());
        assertEquals(200, r.status(), r::toString);
    }

    static void leave(U u, String roomId) { ok(u.post(V3 + "/rooms/" + enc(roomId) + "/leave", map())); }

    static String send(U u, String roomId, String body) {
        Resp r = u.put(V3 + "/rooms/" + enc(roomId) + "/send/m.room.message/" + txn(), map("msgtype", "m.text", "body", body));
        return ok(r).path("event_id").asText();
    }

    // ------------------------------------------------------------------ sync

    static JsonNode sync(U u, String since, long timeoutMs) { return sync(u, since, timeoutMs, ""); }

    static JsonNode sync(U u, String since, long timeoutMs, String extraQuery) {
        StringBuilder q = new StringBuilder(V3 + "/sync?timeout=" + timeoutMs);
        if (since != null) q.append("&since=").append(enc(since));
        q.append(extraQuery);
        return ok(u.get(q.toString()));
    }

    static String nextBatch(JsonNode sync) {
        String nb = sync.path("next_batch").asText(null);
        assertNotNull(nb, () -> "no next_batch in " + sync);
        return nb;
    }

    /** An initial sync's next_batch (timeout 0). */
    static String position(U u) { return nextBatch(sync(u, null, 0)); }

    /** The m.typing user_ids of a room in a sync response, or null when the room has no m.typing. */
    static List<String> typingIn(JsonNode sync, String roomId) {
        for (JsonNode e : sync.path("rooms").path("join").path(roomId).path("ephemeral").path("events")) {
            if ("m.typing".equals(e.path("type").asText())) {
                List<String> ids = new ArrayList<>();
                e.path("content").path("user_ids").forEach(n -> ids.add(n.asText()));
                return ids;
            }
        }
        return null;
    }

    /** The m.presence content for a user in a sync response, or null. */
    static JsonNode presenceOf(JsonNode sync, String userId) {
        JsonNode found = null;
        for (JsonNode e : sync.path("presence").path("events")) {
            if ("m.presence".equals(e.path("type").asText()) && userId.equals(e.path("sender").asText())) found = e.path("content");
        }
        return found;
    }

    static List<JsonNode> toDevice(JsonNode sync) {
        List<JsonNode> out = new ArrayList<>();
        sync.path("to_device").path("events").forEach(out::add);
        return out;
    }

    /**
     * Syncs incrementally (long-polling) from since until a response satisfies the predicate or
     * the deadline passes; returns that response (its next_batch continues from there).
     */
    static JsonNode syncUntil(U u, String since, long deadlineMs, Predicate<JsonNode> until) {
        long end = System.currentTimeMillis() + deadlineMs;
        String pos = since;
        while (System.currentTimeMillis() < end) {
            long left = Math.max(0, end - System.currentTimeMillis());
            JsonNode s = sync(u, pos, Math.min(left, 5_000));
            if (until.test(s)) return s;
            pos = nextBatch(s);
        }
        fail("no matching sync response for " + u + " within " + deadlineMs + " ms");
        return null;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
