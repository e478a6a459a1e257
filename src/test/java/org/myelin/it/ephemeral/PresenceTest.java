package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;
import org.myelin.it.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/** GET/PUT /presence/{userId}/status, set_presence on /sync, m.presence delivery, timeouts, the switch. */
class PresenceTest {
    /** Short timeouts: idle after 600 ms without activity, offline 1.5 s after the last sync. */
    private static Myelin fast;
    private static Myelin disabled;

    @BeforeAll
    static void start() {
        fast = TestServer.start(cfg -> {
            var p = cfg.putObject("presence");
            p.put("idle_timeout_ms", 600);
            p.put("offline_timeout_ms", 1500);
        });
        disabled = TestServer.start(cfg -> cfg.putObject("presence").put("enabled", false));
    }

    @AfterAll
    static void stop() throws Exception {
        fast.close();
        disabled.close();
    }

    private static String status(String userId) { return V3 + "/presence/" + enc(userId) + "/status"; }

    private static JsonNode get(U viewer, U target) { return ok(viewer.get(status(target.id()))); }

    @Test
    void setAndGetYourOwnPresence() {
        U alice = user("pra");
        ok(alice.put(status(alice.id()), map("presence", "online", "status_msg", "Making cupcakes")));
        JsonNode p = get(alice, alice);
        assertEquals("online", p.path("presence").asText());
        assertEquals("Making cupcakes", p.path("status_msg").asText());
        assertTrue(p.path("currently_active").asBoolean(), p::toString);
        assertTrue(p.path("last_active_ago").isIntegralNumber() && p.path("last_active_ago").asLong() < 10_000, p::toString);

        // Omitting status_msg clears it; unavailable is not "currently active".
        ok(alice.put(status(alice.id()), map("presence", "unavailable")));
        p = get(alice, alice);
        assertEquals("unavailable", p.path("presence").asText());
        assertFalse(p.has("status_msg"), p::toString);
        assertFalse(p.path("currently_active").asBoolean(false), p::toString);
    }

    @Test
    void presenceOfOthersOnlyWhenSharingARoom() {
        U alice = user("prsa");
        U bob = user("prsb");
        U carol = user("prsc");
        ok(alice.put(status(alice.id()), map("presence", "online", "status_msg", "hi")));
        // No shared room: 403.
        err(bob.get(status(alice.id())), 403, "M_FORBIDDEN");
        String room = publicRoom(alice);
        join(bob, room);
        JsonNode p = get(bob, alice);
        assertEquals("online", p.path("presence").asText());
        assertEquals("hi", p.path("status_msg").asText());
        err(carol.get(status(alice.id())), 403, "M_FORBIDDEN");
        // A user that does not exist shares no room either.
        err(carol.get(status("@nobody-" + System.nanoTime() + ":test.myelin")), 403, "M_FORBIDDEN");
        // After leaving, no more.
        leave(bob, room);
        err(bob.get(status(alice.id())), 403, "M_FORBIDDEN");
    }

    @Test
    void onlyYourOwnPresenceMayBeSetAndBodiesAreChecked() {
        U alice = user("prfa");
        U bob = user("prfb");
        String room = publicRoom(alice);
        join(bob, room);
        err(alice.put(status(bob.id()), map("presence", "online")), 403, "M_FORBIDDEN");
        err(alice.put(status(alice.id()), map()), 400, "M_MISSING_PARAM");
        err(alice.put(status(alice.id()), map("presence", "busy")), 400, "M_INVALID_PARAM");
        err(alice.put(status(alice.id()), map("presence", 1)), 400, "M_BAD_JSON");
        err(alice.put(status(alice.id()), map("presence", "online", "status_msg", 5)), 400, "M_BAD_JSON");
        err(alice.put(status(alice.id()), map("presence", "online", "status_msg", "x".repeat(1025))), 400, "M_INVALID_PARAM");
        err(alice.get(V3 + "/presence/not-a-user/status"), 400, "M_INVALID_PARAM");
        err(guest().get(status(alice.id())), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }

    @Test
    void presenceIsDeliveredToRoomMatesAndNotToOthers() {
        U alice = user("prda");
        U bob = user("prdb");
        U carol = user("prdc");
        String room = publicRoom(alice);
        join(bob, room);
        String bobSince = position(bob);
        String carolSince = position(carol);
        String aliceSince = position(alice);
        ok(alice.put(status(alice.id()), map("presence", "online", "status_msg", "at lunch")));

        JsonNode s = syncUntil(bob, bobSince, 10_000, r -> presenceOf(r, alice.id()) != null);
        JsonNode c = presenceOf(s, alice.id());
        assertEquals("online", c.path("presence").asText());
        assertEquals("at lunch", c.path("status_msg").asText());
        assertTrue(c.has("last_active_ago"), c::toString);
        // The user gets their own presence too.
        JsonNode own = syncUntil(alice, aliceSince, 10_000, r -> presenceOf(r, alice.id()) != null);
        assertEquals("at lunch", presenceOf(own, alice.id()).path("status_msg").asText());
        // Carol shares no room: nothing about Alice.
        assertNull(presenceOf(sync(carol, carolSince, 500), alice.id()));
        assertNull(presenceOf(sync(carol, null, 0), alice.id()));
        // An initial sync of a room mate includes it.
        assertNotNull(presenceOf(sync(bob, null, 0), alice.id()));
    }

    @Test
    void joiningARoomBringsTheMembersPresence() {
        U alice = user("prja");
        U bob = user("prjb");
        String room = publicRoom(alice);
        ok(alice.put(status(alice.id()), map("presence", "unavailable", "status_msg", "brb")));
        ok(bob.put(status(bob.id()), map("presence", "online", "status_msg", "new here")));
        String bobSince = position(bob);
        String aliceSince = position(alice);
        join(bob, room);
        JsonNode s = syncUntil(bob, bobSince, 10_000, r -> presenceOf(r, alice.id()) != null);
        assertEquals("brb", presenceOf(s, alice.id()).path("status_msg").asText());
        assertEquals("unavailable", presenceOf(s, alice.id()).path("presence").asText());
        JsonNode a = syncUntil(alice, aliceSince, 10_000, r -> presenceOf(r, bob.id()) != null);
        assertEquals("new here", presenceOf(a, bob.id()).path("status_msg").asText());
    }

    @Test
    void aWindowWithMoreChangesThanPeopleStillDeliversExactlyWhatTheUserSees() {
        // More than 64 changes, and more than the 2 people Bob can see: the sync looks at those
        // people instead of collecting every change, and must still see a join in the window.
        U alice = user("prwa");
        U bob = user("prwb");
        U carol = user("prwc");
        U dave = user("prwd");
        String room = publicRoom(alice);
        join(bob, room);
        String daveRoom = publicRoom(dave);
        ok(dave.put(status(dave.id()), map("presence", "online", "status_msg", "dave here")));
        String bobSince = position(bob);
        for (int i = 0; i < 80; i++) ok(carol.put(status(carol.id()), map("presence", "online", "status_msg", "noise " + i)));
        ok(alice.put(status(alice.id()), map("presence", "unavailable", "status_msg", "in the window")));
        join(bob, daveRoom);
        JsonNode s = syncUntil(bob, bobSince, 10_000,
                r -> presenceOf(r, alice.id()) != null && presenceOf(r, dave.id()) != null);
        assertEquals("in the window", presenceOf(s, alice.id()).path("status_msg").asText());
        assertEquals("dave here", presenceOf(s, dave.id()).path("status_msg").asText());
        assertNull(presenceOf(s, carol.id()), "Carol shares no room with Bob");
    }

    @Test
    void syncSetPresence() {
        U alice = user("prsp");
        // Never synced: offline.
        assertEquals("offline", get(alice, alice).path("presence").asText());
        // set_presence=offline does not bring the user online.
        sync(alice, null, 0, "&set_presence=offline");
        assertEquals("offline", get(alice, alice).path("presence").asText());
        // unavailable marks them idle.
        sync(alice, null, 0, "&set_presence=unavailable");
        assertEquals("unavailable", get(alice, alice).path("presence").asText());
        // A default sync does not override idle...
        sync(alice, null, 0);
        assertEquals("unavailable", get(alice, alice).path("presence").asText());
        // ...but activity (a request that does something) does.
        publicRoom(alice);
        assertEquals("online", get(alice, alice).path("presence").asText());

        U bob = user("prsp2");
        sync(bob, null, 0);
        JsonNode p = get(bob, bob);
        assertEquals("online", p.path("presence").asText());
        assertTrue(p.path("currently_active").asBoolean(), p::toString);
        err(bob.get(V3 + "/sync?set_presence=busy"), 400, "M_INVALID_PARAM");
    }

    @Test
    void idleThenOfflineAfterTheTimeouts() {
        U alice = user(fast, "pridle");
        U bob = user(fast, "pridleb");
        String room = publicRoom(alice);
        join(bob, room);
        String bobSince = position(bob);
        sync(alice, null, 0);
        assertEquals("online", get(alice, alice).path("presence").asText());
        // No activity: unavailable after the idle timeout, and room mates are told.
        JsonNode s = syncUntil(bob, bobSince, 10_000, r -> {
            JsonNode c = presenceOf(r, alice.id());
            return c != null && c.path("presence").asText().equals("unavailable");
        });
        assertFalse(presenceOf(s, alice.id()).path("currently_active").asBoolean(false));
        // Activity brings her back online.
        send(alice, room, "back");
        assertEquals("online", get(alice, alice).path("presence").asText());
        // No sync any more: offline after the offline timeout.
        syncUntil(bob, nextBatch(s), 15_000, r -> {
            JsonNode c = presenceOf(r, alice.id());
            return c != null && c.path("presence").asText().equals("offline");
        });
        assertEquals("offline", get(alice, alice).path("presence").asText());
    }

    @Test
    void aClientThatKeepsSyncingDoesNotGoOffline() throws Exception {
        U alice = user(fast, "prlong");
        ok(alice.put(status(alice.id()), map("presence", "online")));
        // Long-polls back to back (each may be woken by her own presence changing to idle) for
        // longer than the offline timeout: she stays reachable (online or unavailable).
        long end = System.currentTimeMillis() + 3_000;
        var poller = java.util.concurrent.CompletableFuture.runAsync(() -> {
            String since = position(alice);
            while (System.currentTimeMillis() < end) since = nextBatch(sync(alice, since, 1_000));
        });
        sleep(2_500);
        assertFalse("offline".equals(get(alice, alice).path("presence").asText()));
        poller.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void presenceCanBeSwitchedOff() {
        U alice = user(disabled, "proff");
        U bob = user(disabled, "proffb");
        String room = publicRoom(alice);
        join(bob, room);
        String since = position(bob);
        // PUT is accepted, GET says offline (for anyone), and /sync carries no presence.
        ok(alice.put(status(alice.id()), map("presence", "online", "status_msg", "hidden")));
        assertEquals("offline", get(bob, alice).path("presence").asText());
        assertFalse(get(bob, alice).has("status_msg"));
        assertEquals("offline", get(alice, alice).path("presence").asText());
        U carol = user(disabled, "proffc");
        assertEquals("offline", get(carol, alice).path("presence").asText());
        send(alice, room, "wake bob");
        JsonNode s = sync(bob, since, 2_000);
        assertEquals(0, s.path("presence").path("events").size(), s::toString);
        assertEquals(0, sync(bob, null, 0).path("presence").path("events").size());
    }

    @Test
    void configKeys() {
        Config dflt = ConfigLoader.fromTree(Json.object());
        assertTrue(dflt.presence().enabled());
        assertEquals(300_000, dflt.presence().idleTimeoutMs());
        assertEquals(300_000, dflt.presence().offlineTimeoutMs());
        for (String bad : new String[] {"{\"enabled\":\"no\"}", "{\"idle_timeout_ms\":5}", "{\"offline_timeout_ms\":\"1m\"}",
                "{\"enable\":false}", "false"}) {
            var root = Json.object();
            root.set("presence", Json.parse(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(root), bad);
            assertTrue(e.getMessage().contains("presence"), e.getMessage());
        }
    }
}
