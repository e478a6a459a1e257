package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;
import org.myelin.it.Client.Resp;
import org.myelin.it.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/** Server notices: the per-user notices room, its rules, and the Synapse-compatible admin API. */
class ServerNoticesTest {
    static final String SEND = "/_synapse/admin/v1/send_server_notice";
    static final String SYSTEM = "@notices:" + TestServer.SERVER_NAME;
    private static Myelin server;
    private static U admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(ServerNoticesTest::configure);
        admin = admin(server, "notice-admin");
    }

    static void configure(ObjectNode cfg) {
        ObjectNode n = cfg.putObject("server_notices");
        n.put("system_user_localpart", "notices");
        n.put("system_user_displayname", "Server Notices");
        n.put("room_name", "Server Notices");
        n.put("room_topic", "Messages from the server");
        n.put("room_avatar_url", "mxc://" + TestServer.SERVER_NAME + "/notices");
    }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    static String notice(U by, U to, String text) {
        Resp r = by.post(SEND, map("user_id", to.id(), "content", map("msgtype", "m.server_notice", "body", text,
                "server_notice_type", "org.example.test")));
        String id = ok(r).path("event_id").asText(null);
        assertNotNull(id, r::toString);
        return id;
    }

    /** The rooms the user is invited to, from an initial /sync. */
    static JsonNode invites(U u) {
        return ok(u.get(V3 + "/sync")).path("rooms").path("invite");
    }

    static String onlyInvite(U u) {
        JsonNode inv = invites(u);
        assertEquals(1, inv.size(), inv::toString);
        return inv.fieldNames().next();
    }

    static JsonNode event(U u, String roomId, String eventId) {
        return ok(u.get(room(roomId) + "/event/" + enc(eventId)));
    }

    @Test
    void firstNoticeCreatesTheRoomAndInvites() {
        U alice = user(server, "notice-alice");
        String eventId = notice(admin, alice, "Scheduled maintenance tonight");
        String roomId = onlyInvite(alice);
        JsonNode stripped = invites(alice).path(roomId).path("invite_state").path("events");
        boolean named = false;
        for (JsonNode e : stripped) {
            if (e.path("type").asText().equals("m.room.name")) named = "Server Notices".equals(e.path("content").path("name").asText());
        }
        assertTrue(named, stripped::toString);
        // Invited, not joined; rejecting the invite is refused with the spec's error code.
        err(tryLeave(alice, roomId), 403, "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM");
        join(alice, roomId);
        JsonNode ev = event(alice, roomId, eventId);
        assertEquals(SYSTEM, ev.path("sender").asText());
        assertEquals("m.room.message", ev.path("type").asText());
        assertEquals("m.server_notice", ev.path("content").path("msgtype").asText());
        assertEquals("Scheduled maintenance tonight", ev.path("content").path("body").asText());
        assertEquals("Messages from the server", ok(alice.get(state(roomId, "m.room.topic", ""))).path("topic").asText());
        assertEquals("mxc://" + TestServer.SERVER_NAME + "/notices", ok(alice.get(state(roomId, "m.room.avatar", ""))).path("url").asText());
        // The user cannot write in the room.
        err(alice.put(room(roomId) + "/send/m.room.message/" + txn(), map("msgtype", "m.text", "body", "hi")), 403, "M_FORBIDDEN");
        err(alice.put(state(roomId, "m.room.name", ""), map("name", "mine")), 403, "M_FORBIDDEN");
        // The next notice lands in the same room.
        String second = notice(admin, alice, "Maintenance done");
        assertEquals(roomId, ok(alice.get(room(roomId) + "/event/" + enc(second))).path("room_id").asText());
        assertEquals(0, invites(alice).size());
    }

    @Test
    void leavingAfterJoiningIsAllowedAndTheNextNoticeInvitesBack() {
        U bob = user(server, "notice-bob");
        notice(admin, bob, "one");
        String roomId = onlyInvite(bob);
        join(bob, roomId);
        leave(bob, roomId);
        // A user who left cannot simply rejoin the invite-only room...
        err(tryJoin(bob, roomId), 403, "M_FORBIDDEN");
        // ...but the next notice invites them back into the same room: still one room per user.
        String eventId = notice(admin, bob, "two");
        assertEquals(roomId, onlyInvite(bob));
        err(tryLeave(bob, roomId), 403, "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM");
        join(bob, roomId);
        assertEquals("two", event(bob, roomId, eventId).path("content").path("body").asText());
        // And after forgetting it too.
        leave(bob, roomId);
        ok(bob.post(room(roomId) + "/forget", map()));
        notice(admin, bob, "three");
        assertEquals(roomId, onlyInvite(bob));
    }

    @Test
    void eachUserGetsTheirOwnRoom() {
        U carol = user(server, "notice-carol");
        U dave = user(server, "notice-dave");
        notice(admin, carol, "for carol");
        notice(admin, dave, "for dave");
        String c = onlyInvite(carol);
        String d = onlyInvite(dave);
        assertTrue(!c.equals(d));
        // Another user's notices room can be left freely (it is not theirs) - here: not even joinable.
        err(tryJoin(carol, d), 403, "M_FORBIDDEN");
    }

    @Test
    void usageLimitNoticesArePinned() {
        U erin = user(server, "notice-erin");
        Resp r = admin.post(SEND, map("user_id", erin.id(), "content", map("msgtype", "m.server_notice",
                "body", "The server is over its monthly active user limit", "server_notice_type", "m.server_notice.usage_limit_reached",
                "limit_type", "monthly_active_user", "admin_contact", "mailto:admin@example.org")));
        String eventId = ok(r).path("event_id").asText();
        String roomId = onlyInvite(erin);
        join(erin, roomId);
        JsonNode pinned = ok(erin.get(state(roomId, "m.room.pinned_events", ""))).path("pinned");
        assertEquals(eventId, pinned.get(pinned.size() - 1).asText(), pinned::toString);
        JsonNode c = event(erin, roomId, eventId).path("content");
        assertEquals("monthly_active_user", c.path("limit_type").asText());
        // Incomplete usage limit notices are refused.
        err(admin.post(SEND, map("user_id", erin.id(), "content", map("msgtype", "m.server_notice", "body", "x",
                "server_notice_type", "m.server_notice.usage_limit_reached"))), 400, "M_BAD_JSON");
    }

    @Test
    void contentDefaultsToAPlainServerNotice() {
        U frank = user(server, "notice-frank");
        String eventId = ok(admin.post(SEND, map("user_id", frank.id(), "content", map("body", "plain")))).path("event_id").asText();
        String roomId = onlyInvite(frank);
        join(frank, roomId);
        JsonNode c = event(frank, roomId, eventId).path("content");
        assertEquals("m.server_notice", c.path("msgtype").asText());
        assertTrue(c.path("server_notice_type").isTextual(), c::toString);
        // An admin may also send ordinary messages and state (Synapse's type/state_key).
        String text = ok(admin.post(SEND, map("user_id", frank.id(), "content", map("msgtype", "m.text", "body", "hello"))))
                .path("event_id").asText();
        assertEquals("m.text", event(frank, roomId, text).path("content").path("msgtype").asText());
        ok(admin.post(SEND, map("user_id", frank.id(), "type", "m.room.topic", "state_key", "", "content", map("topic", "new topic"))));
        assertEquals("new topic", ok(frank.get(state(roomId, "m.room.topic", ""))).path("topic").asText());
    }

    @Test
    void putIsIdempotent() {
        U gina = user(server, "notice-gina");
        String txn = txn();
        var body = map("user_id", gina.id(), "content", map("body", "once"));
        String first = ok(admin.put(SEND + "/" + txn, body)).path("event_id").asText();
        String again = ok(admin.put(SEND + "/" + txn, body)).path("event_id").asText();
        assertEquals(first, again);
        assertTrue(!first.equals(ok(admin.put(SEND + "/" + txn(), body)).path("event_id").asText()));
    }

    @Test
    void permissionsAndBadInput() {
        U user = user(server, "notice-user");
        U target = user(server, "notice-target");
        err(user.post(SEND, map("user_id", target.id(), "content", map("body", "x"))), 403, "M_FORBIDDEN");
        err(anon(server).post(SEND, map("user_id", target.id(), "content", map("body", "x"))), 401, "M_MISSING_TOKEN");
        err(admin.post(SEND, map("user_id", "@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME, "content", map("body", "x"))),
                404, "M_NOT_FOUND");
        err(admin.post(SEND, map("user_id", "@someone:other.example", "content", map("body", "x"))), 400, "M_INVALID_PARAM");
        err(admin.post(SEND, map("user_id", "not-an-id", "content", map("body", "x"))), 400, "M_INVALID_PARAM");
        err(admin.post(SEND, map("user_id", SYSTEM, "content", map("body", "x"))), 400, "M_INVALID_PARAM");
        err(admin.post(SEND, map("content", map("body", "x"))), 400, "M_MISSING_PARAM");
        err(admin.post(SEND, map("user_id", target.id())), 400, "M_MISSING_PARAM");
        err(admin.post(SEND, map("user_id", target.id(), "content", "text")), 400, "M_BAD_JSON");
        err(admin.post(SEND, map("user_id", target.id(), "content", map("msgtype", "m.server_notice"))), 400, "M_BAD_JSON");
        err(admin.post(SEND, map("user_id", target.id(), "type", "m.room.member", "state_key", target.id(),
                "content", map("membership", "join"))), 400, "M_INVALID_PARAM");
        err(admin.raw("POST", SEND, "nope".getBytes(StandardCharsets.UTF_8)), 400, "M_NOT_JSON");
        assertEquals(0, invites(target).size(), "refused notices create nothing");
    }

    @Test
    void disabledWithoutConfig() {
        U a = admin(TestServer.shared(), "notice-off-admin");
        U t = user(TestServer.shared(), "notice-off-target");
        err(a.post(SEND, map("user_id", t.id(), "content", map("body", "x"))), 400, "M_UNKNOWN");
    }

    @Test
    void configIsValidated() {
        for (String[] bad : new String[][] {{"system_user_localpart", "Not Valid"}, {"room_avatar_url", "https://x/y.png"},
                {"room_colour", "red"}}) {
            ObjectNode cfg = Json.object();
            cfg.putObject("server_notices").put("system_user_localpart", "notices").put(bad[0], bad[1]);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(cfg), bad[0]);
            assertTrue(e.getMessage().contains("server_notices." + bad[0]), e::getMessage);
        }
        assertTrue(ConfigLoader.fromTree(Json.object()).serverNotices().enabled() == false);
        assertEquals(List.of(), ConfigLoader.fromTree(Json.object()).moderation().policyRooms());
    }
}
