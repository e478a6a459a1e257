package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the small-module tests: users bound to a given server, requests that fail the test
 * on any 5xx, exact error assertions, and a way to change rows directly (to expire tokens).
 */
final class ModulesFx {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private ModulesFx() {}

    /** A logged-in device of a user on one server; every request through it fails the test on a 5xx. */
    record U(User user, Client c) {
        String id() { return user.userId(); }

        String token() { return user.token(); }

        Resp get(String path) { return noServerError("GET " + path, c.get(path)); }

        Resp post(String path, Object body) { return noServerError("POST " + path, c.post(path, body)); }

        Resp put(String path, Object body) { return noServerError("PUT " + path, c.put(path, body)); }

        Resp raw(String method, String path, byte[] body) {
            return noServerError(method + " " + path, c.raw(method, path, body, Map.of("Content-Type", "application/json")));
        }

        @Override
        public String toString() { return id(); }
    }

    static Client anon(Myelin server) { return new Client(server.port()); }

    static U user(Myelin server, String prefix) {
        Client c = anon(server);
        User u = c.register(prefix);
        return new U(u, c.as(u));
    }

    static U admin(Myelin server, String prefix) {
        U u = user(server, prefix);
        server.accounts().setAdmin(u.id(), true);
        return u;
    }

    static U guest(Myelin server) {
        Client c = anon(server);
        Resp r = noServerError("guest register", c.post(V3 + "/register?kind=guest", map()));
        assertEquals(200, r.status(), r::toString);
        User u = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), null);
        return new U(u, c.as(u));
    }

    static Resp noServerError(String what, Resp r) {
        if (r.status() >= 500) fail(what + " -> server error " + r);
        return r;
    }

    static JsonNode ok(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
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

    static String txn() { return "txn-" + System.nanoTime() + "-" + TXN.incrementAndGet(); }

    static String state(String roomId, String type, String stateKey) {
        return room(roomId) + "/state/" + enc(type) + "/" + enc(stateKey);
    }

    static String createRoom(U u, Map<String, Object> body) {
        Resp r = u.post(V3 + "/createRoom", body);
        String id = ok(r).path("room_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    static String publicRoom(U u) { return createRoom(u, map("preset", "public_chat")); }

    static String send(U u, String roomId, String body) {
        Resp r = u.put(room(roomId) + "/send/m.room.message/" + txn(), map("msgtype", "m.text", "body", body));
        return ok(r).path("event_id").asText();
    }

    static String setState(U u, String roomId, String type, String stateKey, Object content) {
        Resp r = u.put(state(roomId, type, stateKey), content);
        return ok(r).path("event_id").asText();
    }

    static Resp join(U u, String roomIdOrAlias) { return u.post(V3 + "/join/" + enc(roomIdOrAlias), map()); }

    static Resp invite(U by, String roomId, U who) { return by.post(room(roomId) + "/invite", map("user_id", who.id())); }

    static Resp leave(U u, String roomId) { return u.post(room(roomId) + "/leave", map()); }

    static String membership(U viewer, String roomId, String userId) {
        Resp r = viewer.get(state(roomId, "m.room.member", userId));
        return r.status() == 200 ? r.body().path("membership").asText(null) : null;
    }

    /** Runs one UPDATE/DELETE against the server's database (to age rows the API cannot). */
    static int sql(Myelin server, String statement, Object... args) {
        Config cfg = server.config();
        try (Connection c = connect(cfg); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException("cannot run " + statement, e);
        }
    }

    private static Connection connect(Config cfg) throws Exception {
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
