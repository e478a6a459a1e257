package org.myelin.it.rooms;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the directory, upgrade, reporting and timestamp tests: users bound to a client,
 * request helpers that fail the test on any 5xx, and exact error assertions.
 */
final class DirectoryFx {
    static final String V3 = "/_matrix/client/v3";
    static final String V1 = "/_matrix/client/v1";
    private static final AtomicInteger TXN = new AtomicInteger();

    private DirectoryFx() {}

    static Myelin server() { return TestServer.shared(); }

    static String serverName() { return TestServer.SERVER_NAME; }

    static Client anon() { return new Client(server().port()); }

    /** A logged-in user; every request fails the test on a 5xx. */
    record U(User user, Client c) {
        String id() { return user.userId(); }

        Resp get(String path) { return check("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return check("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return check("PUT " + path, c.put(path, body)); }

        Resp delete(String path) { return check("DELETE " + path, c.delete(path)); }
    }

    static U user(String prefix) {
        Client c = anon();
        User u = c.register(prefix);
        return new U(u, c.as(u));
    }

    static U admin(String prefix) {
        U u = user(prefix);
        server().accounts().setAdmin(u.id(), true);
        return u;
    }

    static Resp check(String what, Resp r) {
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

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String enc(String s) { return Client.enc(s); }

    static String room(String roomId) { return V3 + "/rooms/" + enc(roomId); }

    static String alias(String alias) { return V3 + "/directory/room/" + enc(alias); }

    static String newAlias(String prefix) { return "#" + Client.unique(prefix) + ":" + serverName(); }

    static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertTrue(id != null && id.startsWith("!"), r::toString);
        return id;
    }

    static String publicRoom(U u) { return createRoom(u, map("preset", "public_chat")); }

    static void join(U u, String roomIdOrAlias) { ok(u.post(V3 + "/join/" + enc(roomIdOrAlias), map())); }

    static void invite(U by, String roomId, U who) { ok(by.post(room(roomId) + "/invite", map("user_id", who.id()))); }

    static String send(U u, String roomId, String body) {
        Resp r = u.put(room(roomId) + "/send/m.room.message/txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(),
                map("msgtype", "m.text", "body", body));
        return ok(r).path("event_id").asText();
    }

    static String setState(U u, String roomId, String type, String stateKey, Object content) {
        Resp r = u.put(room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey), content);
        return ok(r).path("event_id").asText();
    }

    /** The current content of a state event, or null when absent (404). */
    static JsonNode stateContent(U u, String roomId, String type, String stateKey) {
        Resp r = u.get(room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey));
        if (r.status() == 404) return null;
        return ok(r);
    }

    static JsonNode stateEvent(U u, String roomId, String type, String stateKey) {
        return ok(u.get(room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey) + "?format=event"));
    }

    static List<String> joinedRooms(U u) { return texts(ok(u.get(V3 + "/joined_rooms")).path("joined_rooms")); }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
        return out;
    }
}
