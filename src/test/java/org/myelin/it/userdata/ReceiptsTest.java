package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.userdata.UserDataFx.Seen;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.userdata.UserDataFx.U;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.err;
import static org.myelin.it.userdata.UserDataFx.join;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.publicRoom;
import static org.myelin.it.userdata.UserDataFx.receipt;
import static org.myelin.it.userdata.UserDataFx.receiptEvents;
import static org.myelin.it.userdata.UserDataFx.receiptOf;
import static org.myelin.it.userdata.UserDataFx.roomAccountData;
import static org.myelin.it.userdata.UserDataFx.roomData;
import static org.myelin.it.userdata.UserDataFx.send;
import static org.myelin.it.userdata.UserDataFx.sendEvent;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.syncFiltered;
import static org.myelin.it.userdata.UserDataFx.user;

/** POST /rooms/{roomId}/receipt/{receiptType}/{eventId} and m.receipt in /sync. */
class ReceiptsTest {

    private static void read(U u, String roomId, String eventId) { ok(u.post(receipt(roomId, "m.read", eventId), map())); }

    @Test
    void aReadReceiptReachesEveryJoinedMemberOnce() {
        U a = user("rc-a");
        U b = user("rc-b");
        U outsider = user("rc-out");
        String room = publicRoom(a);
        join(b, room);
        String ev = send(a, room, "hello");
        JsonNode aInit = sync(a, null);
        JsonNode bInit = sync(b, null);
        JsonNode oInit = sync(outsider, null);

        long before = System.currentTimeMillis();
        read(b, room, ev);
        JsonNode aNext = sync(a, nextBatch(aInit));
        Seen seen = receiptOf(aNext, room, "m.read", b.id());
        assertNotNull(seen, aNext::toString);
        assertEquals(ev, seen.eventId());
        long ts = seen.receipt().path("ts").asLong();
        assertTrue(ts >= before - 1000 && ts <= System.currentTimeMillis() + 1000, seen::toString);
        assertFalse(seen.receipt().has("thread_id"), "an unthreaded receipt has no thread_id");
        assertNotNull(receiptOf(sync(b, nextBatch(bInit)), room, "m.read", b.id()), "the sender sees its own receipt");
        assertTrue(sync(outsider, nextBatch(oInit)).path("rooms").path("join").isEmpty(), "non-members get nothing");

        // Delivered once: the next sync has no receipt.
        JsonNode aAfter = sync(a, nextBatch(aNext));
        assertTrue(receiptEvents(aAfter, room).isEmpty(), aAfter::toString);
    }

    @Test
    void initialSyncCarriesTheLatestReceipts() {
        U a = user("rc-init-a");
        U b = user("rc-init-b");
        String room = publicRoom(a);
        join(b, room);
        String e1 = send(a, room, "one");
        String e2 = send(a, room, "two");
        read(a, room, e1);
        read(b, room, e1);
        read(b, room, e2);
        JsonNode s = sync(a, null);
        assertEquals(e1, receiptOf(s, room, "m.read", a.id()).eventId(), s::toString);
        assertEquals(e2, receiptOf(s, room, "m.read", b.id()).eventId(), s::toString);
        assertEquals(1, receiptEvents(s, room).size(), "receipts are batched into one m.receipt per room: " + s);
        // The ephemeral filter can leave them out.
        JsonNode filtered = syncFiltered(a, null, "{\"room\":{\"ephemeral\":{\"not_types\":[\"m.receipt\"]}}}");
        assertTrue(receiptEvents(filtered, room).isEmpty(), filtered::toString);
    }

    @Test
    void receiptsNeverMoveBackwards() {
        U a = user("rc-back-a");
        U b = user("rc-back-b");
        String room = publicRoom(a);
        join(b, room);
        String e1 = send(a, room, "one");
        String e2 = send(a, room, "two");
        JsonNode aInit = sync(a, null);
        read(b, room, e2);
        JsonNode s1 = sync(a, nextBatch(aInit));
        assertEquals(e2, receiptOf(s1, room, "m.read", b.id()).eventId());

        read(b, room, e1); // older: accepted, ignored
        read(b, room, e2); // same: ignored
        JsonNode s2 = sync(a, nextBatch(s1));
        assertTrue(receiptEvents(s2, room).isEmpty(), s2::toString);
        assertEquals(e2, receiptOf(sync(a, null), room, "m.read", b.id()).eventId());

        // Each receipt type and thread moves on its own.
        ok(b.post(receipt(room, "m.read", e1), map("thread_id", "main")));
        JsonNode s3 = sync(a, nextBatch(s2));
        Seen threaded = receiptOf(s3, room, "m.read", b.id());
        assertEquals(e1, threaded.eventId(), s3::toString);
        assertEquals("main", threaded.receipt().path("thread_id").asText());
    }

    @Test
    void privateReceiptsOnlyReachTheirOwner() {
        U a = user("rc-priv-a");
        U b = user("rc-priv-b");
        String room = publicRoom(a);
        join(b, room);
        String ev = send(a, room, "secret read");
        JsonNode aInit = sync(a, null);
        U b2 = UserDataFx.otherDevice(b);
        JsonNode b2Init = sync(b2, null);
        ok(b.post(receipt(room, "m.read.private", ev), map()));
        JsonNode aNext = sync(a, nextBatch(aInit));
        assertNull(receiptOf(aNext, room, "m.read.private", b.id()), aNext::toString);
        assertNull(receiptOf(sync(a, null), room, "m.read.private", b.id()));
        JsonNode b2Next = sync(b2, nextBatch(b2Init));
        assertEquals(ev, receiptOf(b2Next, room, "m.read.private", b.id()).eventId(), b2Next::toString);
        assertEquals(ev, receiptOf(sync(b, null), room, "m.read.private", b.id()).eventId());
    }

    @Test
    void aReceiptWakesWaitingSyncs() throws Exception {
        U a = user("rc-wake-a");
        U b = user("rc-wake-b");
        String room = publicRoom(a);
        join(b, room);
        String ev = send(a, room, "wake");
        String since = nextBatch(sync(a, null));
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(a, since, 20_000));
        Thread.sleep(300);
        assertFalse(waiting.isDone());
        read(b, room, ev);
        JsonNode s = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(ev, receiptOf(s, room, "m.read", b.id()).eventId(), s::toString);
    }

    @Test
    void fullyReadThroughTheReceiptEndpointIsTheReadMarker() {
        U a = user("rc-fr");
        String room = createRoom(a, map());
        String ev = send(a, room, "marker");
        JsonNode init = sync(a, null);
        ok(a.post(receipt(room, "m.fully_read", ev), map()));
        assertEquals(ev, ok(a.get(roomAccountData(a, room, "m.fully_read"))).path("event_id").asText());
        JsonNode s = sync(a, nextBatch(init));
        assertEquals(ev, roomData(s, room).get("m.fully_read").path("event_id").asText(), s::toString);
        assertNull(receiptOf(s, room, "m.fully_read", a.id()), "m.fully_read is not a receipt: " + s);
        err(a.post(receipt(room, "m.fully_read", ev), map("thread_id", "main")), 400, "M_INVALID_PARAM");
    }

    @Test
    void threadedReceiptsAreChecked() {
        U a = user("rc-thread");
        String room = createRoom(a, map());
        String root = send(a, room, "root");
        String inThread = sendEvent(a, room, "m.room.message", map("msgtype", "m.text", "body", "in thread",
                "m.relates_to", map("rel_type", "m.thread", "event_id", root)));
        String edit = sendEvent(a, room, "m.room.message", map("msgtype", "m.text", "body", "* edited",
                "m.new_content", map("msgtype", "m.text", "body", "edited"),
                "m.relates_to", map("rel_type", "m.replace", "event_id", inThread)));
        String main = send(a, room, "main timeline");

        ok(a.post(receipt(room, "m.read", inThread), map("thread_id", root)));
        ok(a.post(receipt(room, "m.read", edit), map("thread_id", root)));
        ok(a.post(receipt(room, "m.read", root), map("thread_id", "main")));
        ok(a.post(receipt(room, "m.read", main), map("thread_id", "main")));
        ok(a.post(receipt(room, "m.read.private", main), map("thread_id", "main")));
        err(a.post(receipt(room, "m.read", inThread), map("thread_id", "main")), 400, "M_INVALID_PARAM");
        err(a.post(receipt(room, "m.read", main), map("thread_id", inThread)), 400, "M_INVALID_PARAM");
        err(a.post(receipt(room, "m.read", main), map("thread_id", "")), 400, "M_INVALID_PARAM");
        err(a.post(receipt(room, "m.read", main), map("thread_id", 5)), 400, "M_INVALID_PARAM");
        err(a.post(receipt(room, "m.read", main), map("thread_id", "not-a-thread")), 400, "M_INVALID_PARAM");

        JsonNode s = sync(a, null);
        // Two threaded receipts: one in the thread (on the edit), one in main.
        boolean sawThread = false;
        boolean sawMain = false;
        for (JsonNode e : receiptEvents(s, room)) {
            JsonNode r = e.path("content").path(edit).path("m.read").path(a.id());
            if (r.path("thread_id").asText().equals(root)) sawThread = true;
            JsonNode m = e.path("content").path(main).path("m.read").path(a.id());
            if (m.path("thread_id").asText().equals("main")) sawMain = true;
        }
        assertTrue(sawThread && sawMain, s::toString);
    }

    @Test
    void errors() {
        U a = user("rc-err-a");
        U b = user("rc-err-b");
        String room = createRoom(a, map());
        String other = createRoom(a, map());
        String ev = send(a, room, "x");
        String otherEv = send(a, other, "y");
        // Not a member, unknown room.
        err(b.post(receipt(room, "m.read", ev), map()), 403, "M_FORBIDDEN");
        err(a.post(receipt("!nowhere:test.myelin", "m.read", ev), map()), 403, "M_FORBIDDEN");
        // Unknown event, event of another room.
        err(a.post(receipt(room, "m.read", "$unknown"), map()), 404, "M_NOT_FOUND");
        err(a.post(receipt(room, "m.read", otherEv), map()), 404, "M_NOT_FOUND");
        err(a.post(receipt(room, "m.read", "not-an-event"), map()), 400, "M_INVALID_PARAM");
        // Receipt types and bodies.
        err(a.post(receipt(room, "m.unknown", ev), map()), 400, "M_INVALID_PARAM");
        err(a.send("POST", receipt(room, "m.read", ev), "{bad"), 400, "M_NOT_JSON");
        err(a.send("POST", receipt(room, "m.read", ev), "[]"), 400, "M_BAD_JSON");
        // An empty body is accepted (unthreaded).
        ok(a.send("POST", receipt(room, "m.read", ev), null));
        assertEquals(401, UserDataFx.anon().post(receipt(room, "m.read", ev), map()).status());
    }

    @Test
    void eventsTheUserCannotSeeCannotBeRead() {
        U a = user("rc-vis-a");
        U b = user("rc-vis-b");
        String room = createRoom(a, map("preset", "public_chat", "initial_state",
                List.of(map("type", "m.room.history_visibility", "content", map("history_visibility", "joined")))));
        String hidden = send(a, room, "before b joined");
        join(b, room);
        String visible = send(a, room, "after b joined");
        err(b.post(receipt(room, "m.read", hidden), map()), 404, "M_NOT_FOUND");
        ok(b.post(receipt(room, "m.read", visible), map()));
    }

    @Test
    void leavingStopsReceipts() {
        U a = user("rc-leave-a");
        U b = user("rc-leave-b");
        String room = publicRoom(a);
        join(b, room);
        String ev = send(a, room, "x");
        ok(b.post(UserDataFx.room(room) + "/leave", map()));
        err(b.post(receipt(room, "m.read", ev), map()), 403, "M_FORBIDDEN");
    }
}
