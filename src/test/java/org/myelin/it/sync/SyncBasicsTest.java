package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.findId;
import static org.myelin.it.sync.SyncFx.ids;
import static org.myelin.it.sync.SyncFx.initialSync;
import static org.myelin.it.sync.SyncFx.invite;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.otherDevice;
import static org.myelin.it.sync.SyncFx.room;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.sendTxn;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.text;
import static org.myelin.it.sync.SyncFx.timeline;
import static org.myelin.it.sync.SyncFx.txn;
import static org.myelin.it.sync.SyncFx.user;

/** Initial and incremental /sync, full_state, long-polling, the client event format in sync. */
class SyncBasicsTest {

    @Test
    void initialSyncHasTimelineStateSummaryAndCounts() {
        U a = user("sb-a");
        // Named so that alphabetical order differs from stream order (heroes follow the latter).
        U b = user("sb-zb");
        U c = user("sb-yc");
        String roomId = createRoom(a, map("preset", "private_chat"));
        invite(a, roomId, b);
        join(b, roomId);
        invite(a, roomId, c);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) sent.add(send(i % 2 == 0 ? a : b, roomId, "m" + i));

        JsonNode s = initialSync(a);
        assertTrue(s.path("next_batch").asText().length() > 0);
        JsonNode r = joined(s, roomId);
        assertTrue(r.isObject(), s::toString);
        // Default timeline limit: the 10 newest events, oldest first.
        JsonNode tl = r.path("timeline");
        assertEquals(sent.subList(2, 12), ids(tl.path("events")), tl::toString);
        assertTrue(tl.path("limited").asBoolean(), tl::toString);
        assertTrue(tl.path("prev_batch").isTextual(), tl::toString);
        for (JsonNode e : tl.path("events")) {
            assertFalse(e.has("room_id"), () -> "sync events carry no room_id: " + e);
            assertTrue(e.path("unsigned").path("age").isIntegralNumber(), e::toString);
            assertTrue(e.path("origin_server_ts").isIntegralNumber(), e::toString);
            assertFalse(e.has("hashes") || e.has("signatures") || e.has("auth_events") || e.has("prev_events"), e::toString);
        }
        // Full state at the start of the timeline.
        JsonNode st = r.path("state").path("events");
        for (String t : List.of("m.room.create", "m.room.power_levels", "m.room.join_rules", "m.room.history_visibility")) {
            assertTrue(find(st, t, "").isObject(), () -> t + " missing from " + st);
        }
        assertEquals("join", find(st, "m.room.member", a.id()).path("content").path("membership").asText(), st::toString);
        assertEquals("join", find(st, "m.room.member", b.id()).path("content").path("membership").asText(), st::toString);
        assertEquals("invite", find(st, "m.room.member", c.id()).path("content").path("membership").asText(), st::toString);
        Set<String> keys = new HashSet<>();
        st.forEach(e -> assertTrue(keys.add(e.path("type").asText() + "|" + e.path("state_key").asText()), () -> "duplicate " + e));
        // Summary.
        JsonNode sum = r.path("summary");
        assertEquals(2, sum.path("m.joined_member_count").asInt(-1), sum::toString);
        assertEquals(1, sum.path("m.invited_member_count").asInt(-1), sum::toString);
        List<String> heroes = new ArrayList<>();
        sum.path("m.heroes").forEach(h -> heroes.add(h.asText()));
        assertEquals(List.of(b.id(), c.id()), heroes, "heroes: joined/invited others in stream order, never the user");
        // Once the room has a name, heroes are optional; counts stay.
        setState(a, roomId, "m.room.name", "", map("name", "Named"));
        JsonNode named = joined(initialSync(a), roomId).path("summary");
        assertEquals(2, named.path("m.joined_member_count").asInt(-1), named::toString);
        // Unread counts are present.
        assertEquals(0, r.path("unread_notifications").path("notification_count").asInt(-1), r::toString);
        assertEquals(0, r.path("unread_notifications").path("highlight_count").asInt(-1), r::toString);
        assertTrue(r.path("ephemeral").path("events").isArray(), r::toString);
        assertTrue(r.path("account_data").path("events").isArray(), r::toString);
        // The invited user sees the room under invite, not join.
        JsonNode cs = initialSync(c);
        assertTrue(cs.path("rooms").path("invite").has(roomId), cs::toString);
        assertFalse(cs.path("rooms").path("join").has(roomId), cs::toString);
    }

    @Test
    void initialSyncStateIsStateAtTimelineStart() {
        U a = user("sb-st");
        String roomId = createRoom(a, map("preset", "private_chat", "name", "one"));
        send(a, roomId, "x");
        String rename = setState(a, roomId, "m.room.name", "", map("name", "two"));
        send(a, roomId, "y");
        String filter = filterJson(map("room", map("timeline", map("limit", 2))));
        JsonNode r = joined(sync(a, null, filter), roomId);
        assertEquals(List.of(rename), ids(r.path("timeline").path("events")).subList(0, 1), r::toString);
        // The state is at the start of the timeline: the old name, the rename comes in the timeline.
        assertEquals("one", find(r.path("state").path("events"), "m.room.name", "").path("content").path("name").asText(), r::toString);
        JsonNode renamed = findId(r.path("timeline").path("events"), rename);
        assertEquals("one", renamed.path("unsigned").path("prev_content").path("name").asText(), renamed::toString);

        // A room whose whole history fits the timeline has an empty state list.
        String small = createRoom(a, map("preset", "private_chat"));
        JsonNode all = joined(sync(a, null, filterJson(map("room", map("timeline", map("limit", 100))))), small);
        assertFalse(all.path("timeline").path("limited").asBoolean(), all::toString);
        assertEquals(0, all.path("state").path("events").size(), all::toString);
        assertEquals("m.room.create", all.path("timeline").path("events").get(0).path("type").asText());
    }

    @Test
    void incrementalSyncReturnsOnlyNewEvents() {
        U a = user("sb-inc");
        U b = user("sb-inc2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String quiet = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        send(a, roomId, "old");
        String since = initialSync(a).path("next_batch").asText();
        String m1 = send(b, roomId, "new 1");
        String m2 = send(a, roomId, "new 2");
        JsonNode s = sync(a, since, null);
        JsonNode r = joined(s, roomId);
        assertEquals(List.of(m1, m2), ids(r.path("timeline").path("events")), r::toString);
        assertFalse(r.path("timeline").path("limited").asBoolean(), r::toString);
        assertEquals(0, r.path("state").path("events").size(), r::toString);
        assertFalse(s.path("rooms").path("join").has(quiet), "rooms without news are left out: " + s);
        assertNotEquals(since, s.path("next_batch").asText());
        // Nothing new: empty rooms, the same position.
        JsonNode again = sync(a, s.path("next_batch").asText(), null);
        assertEquals(0, again.path("rooms").path("join").size(), again::toString);
        assertEquals(s.path("next_batch").asText(), again.path("next_batch").asText());
    }

    @Test
    void limitedIncrementalSyncCarriesTheStateDelta() {
        U a = user("sb-lim");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "before"));
        String filter = filterJson(map("room", map("timeline", map("limit", 3))));
        String since = sync(a, null, filter).path("next_batch").asText();
        String rename = setState(a, roomId, "m.room.name", "", map("name", "after"));
        setState(a, roomId, "m.room.topic", "", map("topic", "t"));
        for (int i = 0; i < 5; i++) send(a, roomId, "filler " + i);
        JsonNode r = joined(sync(a, since, filter), roomId);
        assertTrue(r.path("timeline").path("limited").asBoolean(), r::toString);
        JsonNode st = r.path("state").path("events");
        assertEquals(rename, find(st, "m.room.name", "").path("event_id").asText(), st::toString);
        assertTrue(find(st, "m.room.topic", "").isObject(), st::toString);
        assertTrue(find(st, "m.room.create", "").isMissingNode(), "unchanged state is not repeated: " + st);
        assertTrue(find(st, "m.room.member", a.id()).isMissingNode(), "unchanged state is not repeated: " + st);
    }

    @Test
    void fullStateReturnsAllStateWithoutWaiting() {
        U a = user("sb-full");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "full"));
        String since = initialSync(a).path("next_batch").asText();
        long t0 = System.nanoTime();
        JsonNode s = ok(a.get(SyncFx.V3 + "/sync?full_state=true&timeout=5000&since=" + SyncFx.enc(since)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "full_state ignores timeout, took " + ms + " ms");
        JsonNode r = joined(s, roomId);
        JsonNode st = r.path("state").path("events");
        assertTrue(find(st, "m.room.create", "").isObject(), r::toString);
        assertTrue(find(st, "m.room.name", "").isObject(), r::toString);
        assertTrue(find(st, "m.room.member", a.id()).isObject(), r::toString);
        assertEquals(0, r.path("timeline").path("events").size(), "the timeline is still limited by since: " + r);
    }

    @Test
    void longPollReturnsPromptlyWhenAnotherUserSends() throws Exception {
        U a = user("sb-lp");
        U b = user("sb-lp2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        String since = initialSync(a).path("next_batch").asText();
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        long[] returnedAt = new long[1];
        var f = pool.submit(() -> {
            JsonNode s = sync(a, since, null, 20_000);
            returnedAt[0] = System.nanoTime();
            return s;
        });
        Thread.sleep(400);
        assertFalse(f.isDone(), "the sync waits while nothing happens");
        long sentAt = System.nanoTime();
        String ev = send(b, roomId, "wake up");
        JsonNode s = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        long ms = (returnedAt[0] - sentAt) / 1_000_000;
        assertTrue(ms < 500, "long-poll returned " + ms + " ms after the send");
        assertEquals(List.of(ev), ids(timeline(s, roomId)), s::toString);
        pool.shutdown();
    }

    /**
     * Sends in many rooms at once: their transactions commit out of order, so an event can commit
     * while an earlier stream position is still in flight. Every waiting sync must still wake
     * promptly, not at its timeout.
     */
    @Test
    void longPollsWakeWhenSendsInManyRoomsCommitOutOfOrder() throws Exception {
        int rooms = 24;
        List<U> senders = new ArrayList<>();
        List<U> readers = new ArrayList<>();
        List<String> roomIds = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            U s = user("sb-ooo");
            U r = user("sb-ooo-r");
            String roomId = createRoom(s, map("preset", "public_chat"));
            join(r, roomId);
            senders.add(s);
            readers.add(r);
            roomIds.add(roomId);
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 3; round++) {
                List<java.util.concurrent.Future<Long>> waits = new ArrayList<>();
                List<String> sinces = new ArrayList<>();
                for (U r : readers) sinces.add(sync(r, null, filterJson(map("room", map("timeline", map("limit", 1)))))
                        .path("next_batch").asText());
                long[] sentAt = new long[1];
                for (int i = 0; i < rooms; i++) {
                    U r = readers.get(i);
                    String since = sinces.get(i);
                    String roomId = roomIds.get(i);
                    waits.add(pool.submit(() -> {
                        String s = since;
                        for (;;) {
                            JsonNode res = sync(r, s, null, 10_000);
                            if (timeline(res, roomId).size() > 0) return System.nanoTime();
                            s = res.path("next_batch").asText();
                        }
                    }));
                }
                Thread.sleep(300);
                var go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < rooms; i++) {
                    U s = senders.get(i);
                    String roomId = roomIds.get(i);
                    sends.add(pool.submit(() -> {
                        go.await();
                        return send(s, roomId, "concurrent");
                    }));
                }
                sentAt[0] = System.nanoTime();
                go.countDown();
                for (var f : sends) f.get(10, java.util.concurrent.TimeUnit.SECONDS);
                long slowest = 0;
                for (var w : waits) slowest = Math.max(slowest, (w.get(15, java.util.concurrent.TimeUnit.SECONDS) - sentAt[0]) / 1_000_000);
                assertTrue(slowest < 2000, "round " + round + ": the slowest waiting sync woke " + slowest + " ms after the sends");
            }
        }
    }

    @Test
    void closingTheServerAnswersParkedLongPolls() throws Exception {
        org.myelin.Myelin server = org.myelin.it.TestServer.start(cfg -> {});
        org.myelin.it.Client c = new org.myelin.it.Client(server.port());
        org.myelin.it.Client.User u = c.register("sb-close");
        String since = ok(c.as(u).get(SyncFx.V3 + "/sync")).path("next_batch").asText();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var parked = pool.submit(() -> c.as(u).get(SyncFx.V3 + "/sync?timeout=30000&since=" + SyncFx.enc(since)));
            Thread.sleep(300);
            assertFalse(parked.isDone());
            long t0 = System.nanoTime();
            server.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5000, "stopping took " + ms + " ms with a parked /sync");
            assertEquals(200, parked.get(5, java.util.concurrent.TimeUnit.SECONDS).status(), "the parked sync is answered");
        }
    }

    @Test
    void longPollWaitsForTheTimeoutWhenNothingHappens() {
        U a = user("sb-idle");
        createRoom(a, map());
        String since = initialSync(a).path("next_batch").asText();
        long t0 = System.nanoTime();
        JsonNode s = sync(a, since, null, 1500);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1450, "returned after " + ms + " ms, before the 1500 ms timeout");
        assertTrue(ms < 4000, "returned after " + ms + " ms");
        assertEquals(0, s.path("rooms").path("join").size(), s::toString);
        // The room-event position has not moved; other streams (presence of unrelated users on this
        // shared server) may have, which changes the token without giving this user anything.
        assertEquals(since.split("_")[1], s.path("next_batch").asText().split("_")[1], s::toString);
    }

    @Test
    void longPollIsNotWokenByOtherRoomsActivity() {
        U a = user("sb-other");
        U b = user("sb-other2");
        createRoom(a, map());
        String elsewhere = createRoom(b, map());
        String since = initialSync(a).path("next_batch").asText();
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        pool.submit(() -> {
            Thread.sleep(300);
            return send(b, elsewhere, "not for a");
        });
        long t0 = System.nanoTime();
        JsonNode s = sync(a, since, null, 1500);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1450, "woken by someone else's room after " + ms + " ms: " + s);
        pool.shutdown();
    }

    @Test
    void transactionIdOnlyForTheSendingDevice() {
        U a = user("sb-txn");
        U a2 = otherDevice(a);
        U b = user("sb-txn-b");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        String txnId = txn();
        String ev = sendTxn(a, roomId, "m.room.message", text("mine"), txnId);
        JsonNode mine = findId(timeline(initialSync(a), roomId), ev);
        assertEquals(txnId, mine.path("unsigned").path("transaction_id").asText(null), mine::toString);
        JsonNode other = findId(timeline(initialSync(a2), roomId), ev);
        assertTrue(other.isObject());
        assertFalse(other.path("unsigned").has("transaction_id"), other::toString);
        JsonNode theirs = findId(timeline(initialSync(b), roomId), ev);
        assertFalse(theirs.path("unsigned").has("transaction_id"), theirs::toString);
        // Same on /messages.
        JsonNode chunk = SyncFx.messages(a, roomId, "b", null, 5).path("chunk");
        assertEquals(txnId, findId(chunk, ev).path("unsigned").path("transaction_id").asText(null), chunk::toString);
        JsonNode chunk2 = SyncFx.messages(a2, roomId, "b", null, 5).path("chunk");
        assertFalse(findId(chunk2, ev).path("unsigned").has("transaction_id"), chunk2::toString);
    }

    @Test
    void redactedEventsAreServedRedacted() {
        U a = user("sb-red");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String since = initialSync(a).path("next_batch").asText();
        String ev = send(a, roomId, "secret");
        String redaction = ok(a.put(room(roomId) + "/redact/" + SyncFx.enc(ev) + "/" + txn(), map("reason", "oops")))
                .path("event_id").asText();
        // The incremental sync gets the event already redacted, and the redaction.
        JsonNode tl = timeline(sync(a, since, null), roomId);
        JsonNode red = findId(tl, ev);
        assertEquals(0, red.path("content").size(), red::toString);
        assertEquals(redaction, red.path("unsigned").path("redacted_because").path("event_id").asText(), red::toString);
        JsonNode r = findId(tl, redaction);
        assertEquals("m.room.redaction", r.path("type").asText());
        assertEquals(ev, r.path("redacts").asText(r.path("content").path("redacts").asText()), r::toString);
        // Initial sync too.
        JsonNode red2 = findId(timeline(initialSync(a), roomId), ev);
        assertEquals(0, red2.path("content").size(), red2::toString);
        assertEquals(List.of(), bodies(timeline(initialSync(a), roomId)).stream().filter("secret"::equals).toList());
    }

    @Test
    void invalidSinceIsRejected() {
        U a = user("sb-bad");
        SyncFx.err(a.get(SyncFx.V3 + "/sync?since=garbage"), 400, "M_INVALID_PARAM");
        SyncFx.err(a.get(SyncFx.V3 + "/sync?set_presence=busy"), 400, "M_INVALID_PARAM");
    }

    @Test
    void topLevelSectionsArePresent() {
        U a = user("sb-top");
        JsonNode s = initialSync(a);
        for (String k : List.of("account_data", "presence", "to_device")) {
            assertTrue(s.path(k).path("events").isArray(), () -> k + " in " + s);
        }
        assertTrue(s.path("device_lists").isObject(), s::toString);
        assertTrue(s.path("device_one_time_keys_count").isObject(), s::toString);
        for (String k : List.of("join", "invite", "leave", "knock")) {
            assertTrue(s.path("rooms").path(k).isObject(), () -> k + " in " + s);
        }
    }
}
