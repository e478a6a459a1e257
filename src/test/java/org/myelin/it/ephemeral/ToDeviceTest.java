package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/** PUT /sendToDevice/{eventType}/{txnId} and to_device in /sync. */
class ToDeviceTest {

    private static String path(String type, String txnId) { return V3 + "/sendToDevice/" + enc(type) + "/" + enc(txnId); }

    private static void sendTo(U from, String type, String txnId, Map<String, Object> messages) {
        ok(from.put(path(type, txnId), map("messages", messages)));
    }

    private static List<String> bodies(JsonNode sync) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : toDevice(sync)) out.add(e.path("content").path("n").asText());
        return out;
    }

    @Test
    void aMessageReachesExactlyTheAddressedDevice() {
        U alice = user("tda");
        U bob = user("tdb");
        U bob2 = login(bob, null, null);
        String since = position(bob);
        String since2 = position(bob2);
        sendTo(alice, "m.test", txn(), map(bob.id(), map(bob.device(), map("n", "1", "secret", "for device one"))));

        JsonNode s = syncUntil(bob, since, 10_000, r -> !toDevice(r).isEmpty());
        List<JsonNode> evs = toDevice(s);
        assertEquals(1, evs.size(), s::toString);
        JsonNode e = evs.get(0);
        assertEquals(alice.id(), e.path("sender").asText());
        assertEquals("m.test", e.path("type").asText());
        assertEquals("for device one", e.path("content").path("secret").asText());
        // The other device of the same user gets nothing.
        assertEquals(List.of(), toDevice(sync(bob2, since2, 500)));
        assertEquals(List.of(), toDevice(sync(bob2, null, 0)));
    }

    @Test
    void starAddressesEveryDevice() {
        U alice = user("tdsa");
        U bob = user("tdsb");
        U bob2 = login(bob, null, null);
        sendTo(alice, "m.star", txn(), map(bob.id(), map("*", map("n", "all"))));
        assertEquals(List.of("all"), bodies(sync(bob, null, 0)));
        assertEquals(List.of("all"), bodies(sync(bob2, null, 0)));
        // An explicit entry wins over "*" for its device.
        sendTo(alice, "m.star", txn(), map(bob.id(), map("*", map("n", "all2"), bob2.device(), map("n", "mine"))));
        assertEquals(List.of("all", "all2"), bodies(sync(bob, null, 0)));
        assertEquals(List.of("all", "mine"), bodies(sync(bob2, null, 0)));
    }

    @Test
    void messagesArriveInOrderAndAWaitingSyncWakesUp() throws Exception {
        U alice = user("tdoa");
        U bob = user("tdob");
        String since = position(bob);
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> sync(bob, since, 20_000));
        Thread.sleep(300);
        long t0 = System.nanoTime();
        sendTo(alice, "m.seq", txn(), map(bob.id(), map(bob.device(), map("n", "0"))));
        JsonNode first = poll.get(15, TimeUnit.SECONDS);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);
        assertEquals(List.of("0"), bodies(first));
        for (int i = 1; i <= 9; i++) sendTo(alice, "m.seq", txn(), map(bob.id(), map(bob.device(), map("n", "" + i))));
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), bodies(sync(bob, nextBatch(first), 0)));
    }

    @Test
    void aRetriedTransactionIsDeliveredOnce() {
        U alice = user("tdia");
        U alice2 = login(alice, null, null);
        U bob = user("tdib");
        Map<String, Object> msg = map(bob.id(), map(bob.device(), map("n", "once")));
        sendTo(alice, "m.idem", "txn-1", msg);
        sendTo(alice, "m.idem", "txn-1", msg);
        sendTo(alice, "m.idem", "txn-1", map(bob.id(), map(bob.device(), map("n", "changed retry"))));
        // The same transaction ID from another device (another access token) is another transaction.
        sendTo(alice2, "m.idem", "txn-1", map(bob.id(), map(bob.device(), map("n", "other device"))));
        assertEquals(List.of("once", "other device"), bodies(sync(bob, null, 0)));
    }

    @Test
    void messagesStayUntilAcknowledgedBySyncingPastThem() {
        U alice = user("tdka");
        U bob = user("tdkb");
        String s0 = position(bob);
        sendTo(alice, "m.ack", txn(), map(bob.id(), map(bob.device(), map("n", "a"))));
        sendTo(alice, "m.ack", txn(), map(bob.id(), map(bob.device(), map("n", "b"))));
        JsonNode r1 = sync(bob, s0, 0);
        assertEquals(List.of("a", "b"), bodies(r1));
        String s1 = nextBatch(r1);
        // The response was "lost": syncing again with the old token gives the same messages.
        assertEquals(List.of("a", "b"), bodies(sync(bob, s0, 0)));
        assertEquals(List.of("a", "b"), bodies(sync(bob, null, 0)));
        // Syncing with the new token acknowledges them: nothing new...
        JsonNode r2 = sync(bob, s1, 0);
        assertEquals(List.of(), bodies(r2));
        // ...and they are gone for good, even for the old token.
        assertEquals(List.of(), bodies(sync(bob, s0, 0)));
        assertEquals(List.of(), bodies(sync(bob, null, 0)));
        // New messages after that arrive normally.
        sendTo(alice, "m.ack", txn(), map(bob.id(), map(bob.device(), map("n", "c"))));
        assertEquals(List.of("c"), bodies(sync(bob, nextBatch(r2), 0)));
    }

    @Test
    void aLongQueueComesInBatchesOfAHundred() {
        U alice = user("tdba");
        U bob = user("tdbb");
        String since = position(bob);
        for (int i = 0; i < 150; i++) sendTo(alice, "m.batch", txn(), map(bob.id(), map(bob.device(), map("n", "" + i))));
        JsonNode r1 = sync(bob, since, 0);
        List<String> first = bodies(r1);
        assertEquals(100, first.size());
        assertEquals("0", first.get(0));
        assertEquals("99", first.get(99));
        // The rest comes at once, without waiting for the long-poll timeout.
        long t0 = System.currentTimeMillis();
        JsonNode r2 = sync(bob, nextBatch(r1), 20_000);
        assertTrue(System.currentTimeMillis() - t0 < 5_000, "the second batch must not wait");
        List<String> second = bodies(r2);
        assertEquals(50, second.size());
        assertEquals("100", second.get(0));
        assertEquals("149", second.get(49));
        // The first batch was acknowledged by the second sync; the second one is still queued.
        assertEquals(second, bodies(sync(bob, null, 0)));
        assertEquals(List.of(), bodies(sync(bob, nextBatch(r2), 0)));
        assertEquals(List.of(), bodies(sync(bob, null, 0)));
    }

    @Test
    void remoteAndUnknownRecipientsAreIgnored() {
        U alice = user("tdra");
        U bob = user("tdrb");
        sendTo(alice, "m.remote", txn(), map(
                "@someone:elsewhere.example", map("DEV", map("n", "remote")),
                bob.id(), map("NOSUCHDEVICE", map("n", "lost"), bob.device(), map("n", "here")),
                "@nobody-" + System.nanoTime() + ":test.myelin", map("*", map("n", "nobody"))));
        assertEquals(List.of("here"), bodies(sync(bob, null, 0)));
    }

    @Test
    void badRequests() {
        U alice = user("tdbad");
        U bob = user("tdbadb");
        String p = path("m.bad", txn());
        err(alice.put(p, map()), 400, "M_MISSING_PARAM");
        err(alice.put(p, map("messages", "x")), 400, "M_BAD_JSON");
        err(alice.put(p, map("messages", map("not-a-user", map("D", map())))), 400, "M_INVALID_PARAM");
        err(alice.put(p, map("messages", map(bob.id(), "x"))), 400, "M_BAD_JSON");
        err(alice.put(p, map("messages", map(bob.id(), map(bob.device(), "x")))), 400, "M_BAD_JSON");
        err(alice.put(p, map("messages", map(bob.id(), map(bob.device(), map("big", "x".repeat(70_000)))))), 413, "M_TOO_LARGE");
        // Nothing of a rejected request was queued.
        assertEquals(List.of(), toDevice(sync(bob, null, 0)));
        // An empty messages object is fine.
        ok(alice.put(path("m.bad", txn()), map("messages", map())));
    }

    @Test
    void guestsMaySendToDevice() {
        U bob = user("tdgb");
        U guest = guest();
        sendTo(guest, "m.guest", txn(), map(bob.id(), map(bob.device(), map("n", "from a guest"))));
        assertEquals(List.of("from a guest"), bodies(sync(bob, null, 0)));
        // and receive: a guest's device has a queue like any other.
        sendTo(bob, "m.guest", txn(), map(guest.id(), map("*", map("n", "to a guest"))));
        assertEquals(List.of("to a guest"), bodies(sync(guest, null, 0)));
    }

    @Test
    void loggingOutDropsTheDevicesQueue() {
        U alice = user("tdla");
        U bob = user("tdlb");
        U bob2 = login(bob, "BOBPHONE", null);
        sendTo(alice, "m.queue", txn(), map(bob.id(), map(bob2.device(), map("n", "old"))));
        ok(bob2.post(V3 + "/logout", map()));
        // The same device ID logs in again: a new device, with nothing from before.
        U again = login(bob, "BOBPHONE", null);
        assertEquals(List.of(), toDevice(sync(again, null, 0)));
        sendTo(alice, "m.queue", txn(), map(bob.id(), map("BOBPHONE", map("n", "new"))));
        assertEquals(List.of("new"), bodies(sync(again, null, 0)));
    }
}
