package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.myelin.it.sync.SyncFx.V3;
import static org.myelin.it.sync.SyncFx.enc;

/**
 * How long-polls are woken and that nothing is kept for them afterwards: GET /events?room_id=
 * peeks wait for a write to their room, and the notifier keeps a user's signal only while a /sync
 * of theirs runs. Runs on its own server, whose gauges at /_myelin/metrics show what is kept.
 */
class LongPollWakeupTest {
    private static final String PEEK_ROOMS = "myelin_peek_waiting_rooms";
    private static final String SYNC_USERS = "myelin_sync_listening_users";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Myelin server;
    private static Client anon;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> {});
        anon = new Client(server.port());
        pool = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() throws Exception {
        pool.shutdownNow();
        server.close();
    }

    private static long gauge(String name) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/_myelin/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) if (line.startsWith(name + " ")) return Long.parseLong(line.substring(name.length() + 1));
            throw new AssertionError("no gauge " + name + " in " + r.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 20 s, for a slow machine) until the gauge satisfies the test. */
    private static void awaitGauge(String name, LongPredicate test, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!test.test(gauge(name))) {
            if (System.nanoTime() > deadline) fail(what + ": " + name + " is " + gauge(name));
            Thread.sleep(50);
        }
    }

    private static Client as(User u) { return anon.as(u); }

    private static JsonNode ok(Resp r) {
        assertEquals(200, r.status(), r::toString);
        return r.body();
    }

    private static String worldReadableRoom(User creator) {
        return ok(as(creator).post(V3 + "/createRoom", Map.of("preset", "public_chat", "initial_state", List.of(Map.of(
                "type", "m.room.history_visibility", "content", Map.of("history_visibility", "world_readable"))))))
                .path("room_id").asText();
    }

    private static String send(User u, String roomId, String body) {
        return ok(as(u).put(V3 + "/rooms/" + enc(roomId) + "/send/m.room.message/" + SyncFx.txn(),
                Map.of("msgtype", "m.text", "body", body))).path("event_id").asText();
    }

    private static String peekPath(String roomId, String from, long timeout) {
        return V3 + "/events?room_id=" + enc(roomId) + "&timeout=" + timeout + "&from=" + enc(from);
    }

    /** The peek position of the room's present: the end of a room initialSync. */
    private static String presentOf(User viewer, String roomId) {
        return ok(as(viewer).get(V3 + "/rooms/" + enc(roomId) + "/initialSync")).path("messages").path("end").asText();
    }

    // ------------------------------------------------------------------ peeking

    @Test
    void aWriteWakesAPeekLongBeforeItsTimeout() throws Exception {
        User creator = anon.register("lp-pc");
        User viewer = anon.register("lp-pv");
        String roomId = worldReadableRoom(creator);
        String from = presentOf(viewer, roomId);
        long t0 = System.nanoTime();
        Future<Resp> poll = pool.submit(() -> as(viewer).get(peekPath(roomId, from, 55_000)));
        awaitGauge(PEEK_ROOMS, v -> v >= 1, "the peek waits");
        assertFalse(poll.isDone(), "peeking waits for an event");
        String ev = send(creator, roomId, "wake up");
        Resp r = poll.get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 30_000, "the peek returned after " + ms + " ms of its 55 s timeout");
        assertEquals(ev, ok(r).path("chunk").path(0).path("event_id").asText(), r::toString);
        assertEquals(1, r.body().path("chunk").size(), r::toString);
        assertEquals(from, r.body().path("start").asText(), r::toString);
        assertTrue(r.body().path("end").isTextual(), r::toString);
        awaitGauge(PEEK_ROOMS, v -> v == 0, "the woken peek leaves nothing behind");
    }

    @Test
    void aPeekIgnoresOtherRoomsAndLeavesNothingWhenItTimesOut() throws Exception {
        User creator = anon.register("lp-tc");
        User viewer = anon.register("lp-tv");
        String roomId = worldReadableRoom(creator);
        String other = worldReadableRoom(creator);
        String from = presentOf(viewer, roomId);
        long t0 = System.nanoTime();
        Future<Resp> poll = pool.submit(() -> as(viewer).get(peekPath(roomId, from, 1500)));
        awaitGauge(PEEK_ROOMS, v -> v >= 1, "the peek waits");
        send(creator, other, "elsewhere");
        Resp r = poll.get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1400, "a write to another room does not end the peek: returned after " + ms + " ms");
        assertEquals(0, ok(r).path("chunk").size(), r::toString);
        assertEquals(from, r.body().path("end").asText(), "nothing new: end is where it started: " + r);
        assertEquals(0, gauge(PEEK_ROOMS), "the timed-out peek leaves nothing behind");
    }

    @Test
    void aPeekWhoseClientWentAwayLeavesNothing() throws Exception {
        User creator = anon.register("lp-dc");
        User viewer = anon.register("lp-dv");
        String roomId = worldReadableRoom(creator);
        String from = presentOf(viewer, roomId);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + peekPath(roomId, from, 2000)))
                .header("Authorization", "Bearer " + viewer.token()).build();
        CompletableFuture<HttpResponse<String>> poll = HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofString());
        awaitGauge(PEEK_ROOMS, v -> v >= 1, "the peek waits");
        poll.cancel(true);
        awaitGauge(PEEK_ROOMS, v -> v == 0, "the abandoned peek leaves nothing behind");
        // The room still wakes later peeks.
        Future<Resp> next = pool.submit(() -> as(viewer).get(peekPath(roomId, from, 55_000)));
        awaitGauge(PEEK_ROOMS, v -> v >= 1, "the next peek waits");
        send(creator, roomId, "for the next peek");
        assertEquals(1, ok(next.get(30, TimeUnit.SECONDS)).path("chunk").size());
    }

    // ------------------------------------------------------------------ /sync signals

    @Test
    void syncSignalsAreKeptOnlyWhileASyncRuns() throws Exception {
        User a = anon.register("lp-sa");
        User b = anon.register("lp-sb");
        String roomId = ok(as(a).post(V3 + "/createRoom", Map.of("preset", "public_chat"))).path("room_id").asText();
        ok(as(b).post(V3 + "/join/" + enc(roomId), Map.of()));
        String since = ok(as(b).get(V3 + "/sync")).path("next_batch").asText();
        for (int i = 0; i < 5; i++) ok(as(anon.register("lp-many")).get(V3 + "/sync?timeout=0"));
        // Writes notify b, who is not syncing: nothing is created for b.
        send(a, roomId, "nobody listens");
        assertEquals(0, gauge(SYNC_USERS), "finished syncs and notified users who are not syncing keep nothing");

        // Two parked syncs of b (say, two devices) share one signal; when one times out the other still wakes.
        String since2 = ok(as(b).get(V3 + "/sync?since=" + enc(since))).path("next_batch").asText();
        Future<Resp> longPoll = pool.submit(() -> as(b).get(V3 + "/sync?timeout=55000&since=" + enc(since2)));
        awaitGauge(SYNC_USERS, v -> v == 1, "b's parked sync");
        Future<Resp> shortPoll = pool.submit(() -> as(b).get(V3 + "/sync?timeout=1500&since=" + enc(since2)));
        Resp timedOut = shortPoll.get(30, TimeUnit.SECONDS);
        assertEquals(0, ok(timedOut).path("rooms").path("join").size(), timedOut::toString);
        assertFalse(longPoll.isDone());
        assertEquals(1, gauge(SYNC_USERS), "the other sync still holds b's signal");
        String ev = send(a, roomId, "wake b");
        Resp woken = longPoll.get(30, TimeUnit.SECONDS);
        JsonNode tl = ok(woken).path("rooms").path("join").path(roomId).path("timeline").path("events");
        assertEquals(ev, tl.path(tl.size() - 1).path("event_id").asText(), woken::toString);
        awaitGauge(SYNC_USERS, v -> v == 0, "no sync runs");
    }
}
