package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/** PUT /rooms/{roomId}/typing/{userId} and m.typing in /sync. */
class TypingTest {

    private static String typingPath(String roomId, String userId) {
        return V3 + "/rooms/" + enc(roomId) + "/typing/" + enc(userId);
    }

    private static void type(U u, String roomId, boolean typing, Long timeout) {
        Map<String, Object> body = map("typing", typing);
        if (timeout != null) body.put("timeout", timeout);
        ok(u.put(typingPath(roomId, u.id()), body));
    }

    @Test
    void typingIsSeenByOtherMembersAndStopsOnFalse() {
        U alice = user("typa");
        U bob = user("typb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(bob);

        type(alice, room, true, 30_000L);
        JsonNode s = syncUntil(bob, since, 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(alice.id()), typingIn(s, room));
        // The typing user sees it too (every member gets the room's list).
        assertEquals(List.of(alice.id()), typingIn(sync(alice, null, 0), room));

        // An initial sync shows who is typing now.
        assertEquals(List.of(alice.id()), typingIn(sync(bob, null, 0), room));

        type(bob, room, true, 30_000L);
        s = syncUntil(bob, nextBatch(s), 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(alice.id(), bob.id()), typingIn(s, room));

        type(alice, room, false, null);
        s = syncUntil(bob, nextBatch(s), 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(bob.id()), typingIn(s, room));

        type(bob, room, false, null);
        s = syncUntil(bob, nextBatch(s), 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(), typingIn(s, room), "an empty list tells clients nobody types any more");

        // Nothing new: a sync from here has no m.typing.
        assertNull(typingIn(sync(bob, nextBatch(s), 0), room));
    }

    @Test
    void aWindowWithMoreChangesThanRoomsShowsTheFinalLists() {
        // More typing changes since Bob's token than Bob has rooms: the sync looks at his rooms
        // instead of walking the changes, and must still end with what is true now.
        U alice = user("tywa");
        U bob = user("tywb");
        String typingRoom = publicRoom(alice);
        String quietRoom = publicRoom(alice);
        join(bob, typingRoom);
        join(bob, quietRoom);
        String since = position(bob);
        for (int i = 0; i < 6; i++) {
            type(alice, typingRoom, true, 30_000L);
            type(alice, quietRoom, true, 30_000L);
            type(alice, typingRoom, false, null);
            type(alice, quietRoom, false, null);
        }
        type(alice, typingRoom, true, 30_000L);
        JsonNode s = syncUntil(bob, since, 10_000, r -> typingIn(r, typingRoom) != null);
        assertEquals(List.of(alice.id()), typingIn(s, typingRoom));
        // The quiet room was dropped when its list emptied: Bob is told nobody types there.
        assertEquals(List.of(), typingIn(s, quietRoom));
    }

    @Test
    void aWaitingSyncWakesUpWhenSomeoneStartsTyping() throws Exception {
        U alice = user("typwa");
        U bob = user("typwb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(bob);
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(() -> sync(bob, since, 20_000));
        Thread.sleep(300);
        long t0 = System.nanoTime();
        type(alice, room, true, 10_000L);
        JsonNode s = poll.get(15, java.util.concurrent.TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of(alice.id()), typingIn(s, room));
        assertTrue(ms < 5_000, "the long-poll should return at once, took " + ms + " ms");
    }

    @Test
    void typingExpiresAfterItsTimeout() {
        U alice = user("typexa");
        U bob = user("typexb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(bob);
        type(alice, room, true, 400L);
        JsonNode s = syncUntil(bob, since, 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(alice.id()), typingIn(s, room));
        long t0 = System.currentTimeMillis();
        // The expiry itself wakes the waiting sync with an empty list.
        s = syncUntil(bob, nextBatch(s), 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(), typingIn(s, room));
        assertTrue(System.currentTimeMillis() - t0 < 5_000);
        assertNull(typingIn(sync(bob, null, 0), room), "an initial sync after expiry shows no typing");
    }

    @Test
    void leavingTheRoomStopsTyping() {
        U alice = user("typla");
        U bob = user("typlb");
        String room = publicRoom(alice);
        join(bob, room);
        type(bob, room, true, 30_000L);
        String since = position(alice);
        assertEquals(List.of(bob.id()), typingIn(sync(alice, null, 0), room));
        leave(bob, room);
        JsonNode s = syncUntil(alice, since, 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(), typingIn(s, room));
    }

    @Test
    void typingOnlyForYourselfAndOnlyInJoinedRooms() {
        U alice = user("typfa");
        U bob = user("typfb");
        U carol = user("typfc");
        String room = publicRoom(alice);
        join(bob, room);
        // For someone else: 403, even for a fellow member.
        err(alice.put(typingPath(room, bob.id()), map("typing", true, "timeout", 1000)), 403, "M_FORBIDDEN");
        // Not a member: 403.
        err(carol.put(typingPath(room, carol.id()), map("typing", true, "timeout", 1000)), 403, "M_FORBIDDEN");
        // A room that does not exist: 403 as well (nothing to type in).
        err(carol.put(typingPath("!nope:test.myelin", carol.id()), map("typing", true)), 403, "M_FORBIDDEN");
        // Left members may not type either.
        leave(bob, room);
        err(bob.put(typingPath(room, bob.id()), map("typing", true, "timeout", 1000)), 403, "M_FORBIDDEN");
        // Nobody of them shows up as typing.
        assertNull(typingIn(sync(alice, null, 0), room));
    }

    @Test
    void badBodies() {
        U alice = user("typbad");
        String room = publicRoom(alice);
        String p = typingPath(room, alice.id());
        err(alice.put(p, map()), 400, "M_MISSING_PARAM");
        err(alice.put(p, map("typing", "yes")), 400, "M_BAD_JSON");
        err(alice.put(p, map("typing", true, "timeout", "soon")), 400, "M_BAD_JSON");
        err(alice.put(p, map("typing", true, "timeout", -5)), 400, "M_INVALID_PARAM");
        err(alice.put(p, "[]"), 400, "M_BAD_JSON");
        // timeout may be omitted, and a huge one is accepted (capped by the server).
        ok(alice.put(p, map("typing", true)));
        ok(alice.put(p, map("typing", true, "timeout", 86_400_000L)));
        ok(alice.put(p, map("typing", false)));
    }

    @Test
    void guestsMayNotType() {
        U alice = user("typg");
        String room = publicRoom(alice);
        U guest = guest();
        err(guest.put(typingPath(room, guest.id()), map("typing", true)), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }

    @Test
    void theEphemeralFilterCanExcludeTyping() {
        U alice = user("typfl");
        U bob = user("typflb");
        String room = publicRoom(alice);
        join(bob, room);
        type(alice, room, true, 30_000L);
        String filter = enc("{\"room\":{\"ephemeral\":{\"not_types\":[\"m.typing\"]}}}");
        JsonNode s = sync(bob, null, 0, "&filter=" + filter);
        assertNull(typingIn(s, room));
        assertEquals(List.of(alice.id()), typingIn(sync(bob, null, 0), room));
    }
}
