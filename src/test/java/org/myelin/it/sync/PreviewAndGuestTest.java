package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client.Resp;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.V3;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.context;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.enc;
import static org.myelin.it.sync.SyncFx.err;
import static org.myelin.it.sync.SyncFx.event;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.guest;
import static org.myelin.it.sync.SyncFx.ids;
import static org.myelin.it.sync.SyncFx.initialSync;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.messagesResp;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.room;
import static org.myelin.it.sync.SyncFx.roomWith;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.sendEvent;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.text;
import static org.myelin.it.sync.SyncFx.txn;
import static org.myelin.it.sync.SyncFx.user;

/** Room previews of world-readable rooms (including /events peeking) and the guest access module. */
class PreviewAndGuestTest {
    private static final String GUEST_FORBIDDEN = "M_GUEST_ACCESS_FORBIDDEN";

    private static String guestRoom(U creator, String historyVisibility) {
        return createRoom(creator, map("preset", "public_chat", "name", "guests welcome",
                "power_level_content_override", map("events", map("org.example.guest_state", 0)), "initial_state", List.of(
                map("type", "m.room.history_visibility", "content", map("history_visibility", historyVisibility)),
                map("type", "m.room.guest_access", "content", map("guest_access", "can_join")))));
    }

    private static void previewWorks(U viewer, U creator) {
        String roomId = roomWith(creator, "world_readable");
        setState(creator, roomId, "m.room.topic", "", map("topic", "readable"));
        String ev = send(creator, roomId, "hello world");
        // /messages
        JsonNode m = ok(messagesResp(viewer, roomId, "b", null, null, 10, null));
        assertEquals("hello world", bodies(m.path("chunk")).get(0), m::toString);
        // /state and /state/type/key
        Resp st = viewer.get(room(roomId) + "/state");
        assertEquals(200, st.status(), st::toString);
        assertEquals("readable", find(st.body(), "m.room.topic", "").path("content").path("topic").asText(), st::toString);
        assertEquals("readable", ok(viewer.get(room(roomId) + "/state/m.room.topic/")).path("topic").asText());
        // /event
        assertEquals("hello world", ok(event(viewer, roomId, ev)).path("content").path("body").asText());
        // /context
        JsonNode ctx = ok(context(viewer, roomId, ev, 4, null));
        assertEquals(ev, ctx.path("event").path("event_id").asText());
        assertTrue(ctx.path("events_before").size() > 0, ctx::toString);
        // /members
        JsonNode members = ok(viewer.get(room(roomId) + "/members"));
        assertTrue(members.path("chunk").size() > 0, members::toString);
        // room initialSync
        JsonNode is = ok(viewer.get(room(roomId) + "/initialSync"));
        assertEquals(roomId, is.path("room_id").asText());
        assertTrue(bodies(is.path("messages").path("chunk")).contains("hello world"), is::toString);
        assertTrue(find(is.path("state"), "m.room.topic", "").isObject(), is::toString);
        // /events peeking: from the initialSync's end, a later event arrives promptly.
        String from = is.path("messages").path("end").asText();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Resp> poll = pool.submit(() -> viewer.get(V3 + "/events?room_id=" + enc(roomId) + "&timeout=10000&from=" + enc(from)));
            Thread.sleep(300);
            assertFalse(poll.isDone(), "peeking waits for an event");
            String later = send(creator, roomId, "peeked");
            Resp r = poll.get(5, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r::toString);
            assertEquals(List.of(later), ids(r.body().path("chunk")), r::toString);
            assertEquals(roomId, r.body().path("chunk").get(0).path("room_id").asText(), r::toString);
            assertTrue(r.body().path("end").isTextual(), r::toString);
            // Continuing from end: nothing new, returns after the timeout.
            Resp again = viewer.get(V3 + "/events?room_id=" + enc(roomId) + "&timeout=300&from=" + enc(r.body().path("end").asText()));
            assertEquals(0, again.body().path("chunk").size(), again::toString);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        // The viewer is not a member and the room is not in their sync.
        assertFalse(initialSync(viewer).path("rooms").path("join").has(roomId));
    }

    @Test
    void worldReadableRoomIsReadableByNonMembers() { previewWorks(user("pv-v"), user("pv-c")); }

    @Test
    void worldReadableRoomIsReadableByGuests() { previewWorks(guest(), user("pv-gc")); }

    @Test
    void nonWorldReadableRoomIsNotPreviewable() {
        U creator = user("pv-n");
        U viewer = user("pv-n2");
        String roomId = roomWith(creator, "shared");
        String ev = send(creator, roomId, "members only");
        err(messagesResp(viewer, roomId, "b", null, null, null, null), 403, "M_FORBIDDEN");
        err(viewer.get(room(roomId) + "/state"), 403, "M_FORBIDDEN");
        err(event(viewer, roomId, ev), 404, "M_NOT_FOUND");
        assertNotEquals(200, context(viewer, roomId, ev, 4, null).status());
        assertNotEquals(200, viewer.get(V3 + "/events?room_id=" + enc(roomId) + "&timeout=0").status());
        assertNotEquals(200, viewer.get(room(roomId) + "/initialSync").status());
    }

    @Test
    void guestAllowList() {
        U a = user("ga-a");
        String roomId = guestRoom(a, "shared");
        U g = guest();
        // Allowed.
        ok(g.get(V3 + "/sync?timeout=0"));
        ok(g.get(V3 + "/account/whoami"));
        ok(g.post(room(roomId) + "/join", map()));
        String ev = SyncFx.sendEvent(g, roomId, "m.room.message", text("guest says hi"));
        ok(messagesResp(g, roomId, "b", null, null, 5, null));
        ok(event(g, roomId, ev));
        ok(context(g, roomId, ev, 2, null));
        assertEquals(200, g.get(room(roomId) + "/state").status());
        ok(g.get(room(roomId) + "/state/m.room.name/"));
        ok(g.get(room(roomId) + "/members"));
        ok(g.get(room(roomId) + "/initialSync"));
        // Since v1.2 guests may send any event type and state events.
        sendEvent(g, roomId, "org.example.guest", map("x", 1));
        assertEquals(200, g.put(room(roomId) + "/state/org.example.guest_state/" + enc(g.id()), map("v", 1)).status(),
                "guests may send state (v1.2)");
        ok(g.post(room(roomId) + "/leave", map()));
        // Forbidden: everything else.
        err(g.post(V3 + "/createRoom", map()), 403, GUEST_FORBIDDEN);
        err(g.post(V3 + "/join/" + enc(roomId), map()), 403, GUEST_FORBIDDEN);
        err(g.post(room(roomId) + "/invite", map("user_id", a.id())), 403, GUEST_FORBIDDEN);
        err(g.get(V3 + "/joined_rooms"), 403, GUEST_FORBIDDEN);
        err(g.post(room(roomId) + "/forget", map()), 403, GUEST_FORBIDDEN);
        err(g.put(room(roomId) + "/redact/" + enc(ev) + "/" + txn(), map()), 403, GUEST_FORBIDDEN);
        err(g.post(room(roomId) + "/kick", map("user_id", a.id())), 403, GUEST_FORBIDDEN);
        err(g.get(room(roomId) + "/joined_members"), 403, GUEST_FORBIDDEN);
    }

    @Test
    void guestsJoinOnlyCanJoinRooms() {
        U a = user("ga-j");
        U g = guest();
        String closed = createRoom(a, map("preset", "public_chat"));
        err(g.post(room(closed) + "/join", map()), 403, GUEST_FORBIDDEN);
        setState(a, closed, "m.room.guest_access", "", map("guest_access", "forbidden"));
        err(g.post(room(closed) + "/join", map()), 403, GUEST_FORBIDDEN);
        String open = guestRoom(a, "shared");
        ok(g.post(room(open) + "/join", map()));
        assertTrue(joined(initialSync(g), open).isObject());
    }

    @Test
    void guestsAreMadeToLeaveWhenGuestAccessIsWithdrawn() {
        U a = user("ga-w");
        U b = user("ga-w2");
        String roomId = guestRoom(a, "shared");
        join(b, roomId);
        U g = guest();
        ok(g.post(room(roomId) + "/join", map()));
        String since = sync(g, null, null).path("next_batch").asText();
        setState(a, roomId, "m.room.guest_access", "", map("guest_access", "forbidden"));
        JsonNode member = ok(a.get(room(roomId) + "/state/m.room.member/" + enc(g.id())));
        assertEquals("leave", member.path("membership").asText(), member::toString);
        assertEquals("join", ok(a.get(room(roomId) + "/state/m.room.member/" + enc(b.id()))).path("membership").asText(),
                "regular users stay");
        JsonNode s = sync(g, since, null);
        assertTrue(s.path("rooms").path("leave").has(roomId), s::toString);
        err(g.post(room(roomId) + "/join", map()), 403, GUEST_FORBIDDEN);
    }

    @Test
    void guestUpgradeKeepsTheUserId() {
        U a = user("ga-u");
        String roomId = guestRoom(a, "shared");
        U g = guest();
        ok(g.post(room(roomId) + "/join", map()));
        String localpart = g.id().substring(1, g.id().indexOf(':'));
        Resp first = SyncFx.anon().post(V3 + "/register", map("username", localpart, "password", "guest-pw-1234",
                "guest_access_token", g.token()));
        assertEquals(401, first.status(), first::toString);
        Resp r = SyncFx.anon().post(V3 + "/register", map("username", localpart, "password", "guest-pw-1234",
                "guest_access_token", g.token(), "auth", map("type", "m.login.dummy", "session", first.str("session"))));
        assertEquals(200, r.status(), r::toString);
        assertEquals(g.id(), r.str("user_id"));
        var full = SyncFx.anon().as(r.str("access_token"));
        assertEquals(g.id(), full.get(V3 + "/account/whoami").body().path("user_id").asText());
        assertFalse(full.get(V3 + "/account/whoami").body().path("is_guest").asBoolean(false));
        assertEquals(200, full.post(V3 + "/createRoom", map()).status(), "a full account now");
        // Still in the room it joined as a guest.
        assertTrue(full.get(V3 + "/sync").body().path("rooms").path("join").has(roomId));
    }
}
