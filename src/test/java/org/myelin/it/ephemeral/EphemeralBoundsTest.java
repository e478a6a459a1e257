package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.TestServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/**
 * The in-memory presence and typing state shrinks when nobody needs it (myelin_presence_entries,
 * myelin_typing_rooms at /_myelin/metrics), and what clients see stays right across the eviction.
 * The server is this class's own and started last, so the process-wide gauges are its own.
 */
class EphemeralBoundsTest {
    /**
     * Offline (and evictable) 800 ms after the last contact; the idle timeout is longer, so that
     * a user who stops syncing goes from online straight to offline.
     */
    private static final long OFFLINE_MS = 800;
    private static Myelin server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> {
            var p = cfg.putObject("presence");
            p.put("idle_timeout_ms", 10_000);
            p.put("offline_timeout_ms", OFFLINE_MS);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String status(String userId) { return V3 + "/presence/" + enc(userId) + "/status"; }

    private static String typingPath(String roomId, String userId) {
        return V3 + "/rooms/" + enc(roomId) + "/typing/" + enc(userId);
    }

    /** A gauge's value from the server's Prometheus text. */
    private static long gauge(String name) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_myelin/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r::body);
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + " ")) return Long.parseLong(line.substring(name.length() + 1).trim());
            }
            fail("no gauge " + name + " in\n" + r.body());
            return -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitGauge(String name, long want, long deadlineMs) {
        long end = System.currentTimeMillis() + deadlineMs;
        long v;
        while ((v = gauge(name)) != want) {
            if (System.currentTimeMillis() > end) fail(name + " is " + v + ", expected " + want + " within " + deadlineMs + " ms");
            sleep(50);
        }
    }

    private static boolean presenceIs(JsonNode sync, U u, String state) {
        JsonNode c = presenceOf(sync, u.id());
        return c != null && state.equals(c.path("presence").asText());
    }

    @Test
    void anEvictedUserStaysOfflineForOldTokensAndComesBack() {
        U alice = user(server, "bnda");
        U bob = user(server, "bndb");
        String room = publicRoom(alice);
        join(bob, room);
        String first = position(bob);
        sync(alice, null, 0);
        JsonNode s = syncUntil(bob, first, 10_000, r -> presenceIs(r, alice, "online"));
        String bobSince = nextBatch(s);

        // Nobody syncs: both go offline and are evicted.
        awaitGauge("myelin_presence_entries", 0, 15_000);

        // Bob comes back with the token from when Alice was online: he still learns she went
        // offline, with her last activity, though her entry is gone.
        JsonNode back = sync(bob, bobSince, 0);
        JsonNode c = presenceOf(back, alice.id());
        assertNotNull(c, () -> "no presence of alice for an old token after her eviction: " + back);
        assertEquals("offline", c.path("presence").asText(), c::toString);
        assertTrue(c.path("last_active_ago").isIntegralNumber(), c::toString);
        // GET after the eviction: offline, and the last activity survives (saved at eviction).
        JsonNode got = ok(bob.get(status(alice.id())));
        assertEquals("offline", got.path("presence").asText());
        assertTrue(got.path("last_active_ago").asLong(-1) >= OFFLINE_MS, got::toString);
        assertFalse(got.has("status_msg"), got::toString);

        // Alice comes back: a new entry, and Bob's incremental sync sees her online.
        sync(alice, null, 0);
        assertTrue(gauge("myelin_presence_entries") >= 1);
        s = syncUntil(bob, nextBatch(back), 10_000, r -> presenceIs(r, alice, "online"));
        assertTrue(presenceOf(s, alice.id()).path("currently_active").asBoolean(), s::toString);
        assertEquals("online", ok(bob.get(status(alice.id()))).path("presence").asText());

        // And the offline after that reaches Bob's long-poll too.
        syncUntil(bob, nextBatch(s), 15_000, r -> presenceIs(r, alice, "offline"));
    }

    @Test
    void evictionCyclesKeepDeltasRight() {
        U alice = user(server, "bndca");
        U bob = user(server, "bndcb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(bob);
        for (int i = 0; i < 3; i++) {
            // Activity without a sync does not bring an offline user online, before or after an eviction.
            send(alice, room, "ping " + i);
            assertEquals("offline", ok(alice.get(status(alice.id()))).path("presence").asText());
            sync(alice, null, 0);
            JsonNode s = syncUntil(bob, since, 10_000, r -> presenceIs(r, alice, "online"));
            s = syncUntil(bob, nextBatch(s), 15_000, r -> presenceIs(r, alice, "offline"));
            since = nextBatch(s);
            // Wait past Alice's eviction (Bob's own entry stays while he polls, so no gauge here).
            sleep(OFFLINE_MS * 2);
        }
        // An initial sync after all that shows no presence for the evicted Alice (offline, no message).
        assertNull(presenceOf(sync(bob, null, 0), alice.id()));
    }

    @Test
    void aStatusMessageKeepsTheEntry() {
        U alice = user(server, "bndsa");
        U bob = user(server, "bndsb");
        String room = publicRoom(alice);
        join(bob, room);
        ok(alice.put(status(alice.id()), map("presence", "online", "status_msg", "on holiday")));
        JsonNode got;
        long end = System.currentTimeMillis() + 15_000;
        while (!"offline".equals((got = ok(bob.get(status(alice.id())))).path("presence").asText())) {
            if (System.currentTimeMillis() > end) fail("alice never went offline: " + got);
            sleep(50);
        }
        // Everyone else is forgotten; Alice, offline with a message, is not.
        awaitGauge("myelin_presence_entries", 1, 15_000);
        assertEquals("on holiday", got.path("status_msg").asText());
        // It stays: an initial sync still carries the offline user's message.
        sleep(OFFLINE_MS * 2);
        assertEquals(1, gauge("myelin_presence_entries"));
        assertEquals("on holiday", presenceOf(sync(bob, null, 0, "&set_presence=offline"), alice.id()).path("status_msg").asText());

        // Clearing the message makes her forgettable.
        ok(alice.put(status(alice.id()), map("presence", "offline")));
        awaitGauge("myelin_presence_entries", 0, 15_000);
        assertFalse(ok(bob.get(status(alice.id()))).has("status_msg"));
    }

    @Test
    void aRoomIsDroppedWhenTypingStopsAndComesBackWhenItRestarts() {
        U alice = user(server, "bndta");
        U bob = user(server, "bndtb");
        String room = publicRoom(alice);
        join(bob, room);
        awaitGauge("myelin_typing_rooms", 0, 35_000);
        String since = position(bob);

        ok(alice.put(typingPath(room, alice.id()), map("typing", true, "timeout", 30_000)));
        assertEquals(1, gauge("myelin_typing_rooms"));
        JsonNode s = syncUntil(bob, since, 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(alice.id()), typingIn(s, room));
        String sawAlice = nextBatch(s);

        // Stopping empties the list and drops the room; a token from before still gets the empty list.
        ok(alice.put(typingPath(room, alice.id()), map("typing", false)));
        assertEquals(0, gauge("myelin_typing_rooms"));
        assertEquals(List.of(), typingIn(sync(bob, sawAlice, 0), room));
        assertEquals(List.of(), typingIn(sync(bob, since, 0), room), "a token from before the typing sees the end of it");
        assertNull(typingIn(sync(bob, null, 0), room));
        // Stopping again changes nothing and creates nothing.
        ok(bob.put(typingPath(room, bob.id()), map("typing", false)));
        assertEquals(0, gauge("myelin_typing_rooms"));

        // Typing restarts in the dropped room, then expires, and the room is dropped again.
        ok(bob.put(typingPath(room, bob.id()), map("typing", true, "timeout", 400)));
        assertEquals(1, gauge("myelin_typing_rooms"));
        s = syncUntil(alice, sawAlice, 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(bob.id()), typingIn(s, room));
        s = syncUntil(alice, nextBatch(s), 10_000, r -> typingIn(r, room) != null);
        assertEquals(List.of(), typingIn(s, room));
        awaitGauge("myelin_typing_rooms", 0, 5_000);
    }

    @Test
    void concurrentTypingStartsAndStopsLeaveNoRoomBehind() throws Exception {
        U alice = user(server, "bndra");
        U bob = user(server, "bndrb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(alice);
        // Both toggle at once many times; whatever interleaving, the room list must end empty,
        // the room dropped, and a sync from before must see the final empty list.
        var t = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) ok(bob.put(typingPath(room, bob.id()), map("typing", i % 2 == 0, "timeout", 30_000)));
        });
        for (int i = 0; i < 40; i++) ok(alice.put(typingPath(room, alice.id()), map("typing", i % 2 == 0, "timeout", 30_000)));
        t.get(30, java.util.concurrent.TimeUnit.SECONDS);
        awaitGauge("myelin_typing_rooms", 0, 5_000);
        assertEquals(List.of(), typingIn(sync(alice, since, 0), room));
        assertNull(typingIn(sync(bob, null, 0), room));
    }
}
