package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.Fixtures.U;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.myelin.it.userdata.UserDataFx.V3;
import static org.myelin.it.userdata.UserDataFx.anon;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.enc;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.receipt;
import static org.myelin.it.userdata.UserDataFx.send;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.user;

/**
 * Issue 5's figure: a read receipt in a room with 1,000 members, median under 5 ms. Measured over
 * HTTP against the shared test server, first with nobody syncing, then with every member
 * long-polling /sync (each receipt then wakes 1,000 syncs, off the request thread). Runs only with
 * -Dmyelin.perf=true (it registers 1,000 users); prints the figures.
 */
class ReceiptLatencyTest {
    private static final int MEMBERS = Integer.getInteger("myelin.perf.members", 1000);
    private static final int RECEIPTS = Integer.getInteger("myelin.perf.receipts", 200);
    /** Per receipt with everyone syncing: from sending it until every member's sync has returned with it. */
    private final List<Double> fanoutMs = new ArrayList<>();

    @Test
    void readReceiptInALargeRoom() throws Exception {
        assumeTrue(Boolean.getBoolean("myelin.perf"), "set -Dmyelin.perf=true to run");
        U reader = user("perf-reader");
        String room = createRoom(reader, map("preset", "public_chat", "initial_state",
                List.of(map("type", "m.room.guest_access", "content", map("guest_access", "can_join")))));
        // Members: guests (no password hashing), joined in parallel.
        List<U> members = new ArrayList<>();
        try (ExecutorService ex = Executors.newFixedThreadPool(16)) {
            List<Future<U>> fs = new ArrayList<>();
            for (int i = 0; i < MEMBERS - 1; i++) {
                fs.add(ex.submit(() -> {
                    Resp r = anon().post(V3 + "/register?kind=guest", map());
                    assertEquals(200, r.status(), r::toString);
                    User g = new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), null);
                    U u = new U(g, anon().as(g));
                    ok(u.post(V3 + "/rooms/" + enc(room) + "/join", map()));
                    return u;
                }));
            }
            for (Future<U> f : fs) members.add(f.get());
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 2 * RECEIPTS + 20; i++) events.add(send(reader, room, "m" + i));

        // Warm-up, then nobody syncing.
        for (int i = 0; i < 20; i++) ok(reader.post(receipt(room, "m.read", events.get(i)), map()));
        double[] quiet = measure(reader, room, events.subList(20, 20 + RECEIPTS), null, 0);

        // Every member long-polling /sync: each receipt wakes all of them.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wakeups = new AtomicLong();
        List<Thread> pollers = new ArrayList<>();
        String start = nextBatch(sync(reader, null)); // tokens are positions, not per user: skips 1,000 initial syncs
        for (U m : members) {
            pollers.add(Thread.ofVirtual().start(() -> {
                String since = start;
                while (!stop.get()) {
                    JsonNode s = ok(m.c().get(V3 + "/sync?timeout=30000&since=" + enc(since)));
                    since = nextBatch(s);
                    wakeups.incrementAndGet();
                }
            }));
        }
        Thread.sleep(2000);
        // Each receipt is sent once the previous one's wake-ups have been answered, so that this measures
        // the request with 1,000 syncs parked, not a machine saturated by back-to-back fan-outs.
        double[] busy = measure(reader, room, events.subList(20 + RECEIPTS, 20 + 2 * RECEIPTS), wakeups, MEMBERS - 1);
        stop.set(true);
        send(reader, room, "stop");
        for (Thread t : pollers) t.join(10_000);

        System.out.printf("receipt latency, %d members, %d receipts each run:%n", MEMBERS, RECEIPTS);
        System.out.printf("  nobody syncing:        p50 %.2f ms  p90 %.2f ms  p99 %.2f ms%n", pct(quiet, 50), pct(quiet, 90), pct(quiet, 99));
        System.out.printf("  all members syncing:   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  (%d sync wake-ups)%n",
                pct(busy, 50), pct(busy, 90), pct(busy, 99), wakeups.get());
        double[] fan = fanoutMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("  until all %d syncs returned it: p50 %.1f ms  p90 %.1f ms%n", MEMBERS - 1, pct(fan, 50), pct(fan, 90));
        assertTrue(pct(quiet, 50) < 5, "median receipt latency " + pct(quiet, 50) + " ms");
    }

    private double[] measure(U reader, String room, List<String> events, AtomicLong wakeups, int expectedWakeups)
            throws InterruptedException {
        double[] ms = new double[events.size()];
        for (int i = 0; i < events.size(); i++) {
            long before = wakeups == null ? 0 : wakeups.get();
            long t0 = System.nanoTime();
            Resp r = reader.c().post(receipt(room, "m.read", events.get(i)), map());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            assertEquals(200, r.status(), r::toString);
            if (wakeups == null) continue;
            long deadline = System.currentTimeMillis() + 5000;
            while (wakeups.get() - before < expectedWakeups && System.currentTimeMillis() < deadline) Thread.sleep(1);
            fanoutMs.add((System.nanoTime() - t0) / 1e6);
            Thread.sleep(300); // let the woken clients park again
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, int p) { return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)]; }
}
