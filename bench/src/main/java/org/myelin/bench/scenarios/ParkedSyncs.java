package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.LatencyRecorder;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Parked long-polls (issue 4): --syncs users, spread over --rooms rooms, each with one /sync
 * waiting (long timeout) on its own connection. Reports the server's RSS (VmRSS) before and while
 * they are parked, then sends one message in every room and checks that every waiting sync answers
 * with it, and how fast. A client whose sync returns early (nothing of ours in it) polls again.
 */
public final class ParkedSyncs implements Scenario {
    @Override
    public String name() { return "parked-syncs"; }

    @Override
    public String description() { return "N concurrent waiting /sync requests: server RSS before/while parked, all answered by a final send"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("syncs", "10000", "waiting /sync requests, one user each"),
                new Option("rooms", "100", "rooms the users are spread over"),
                new Option("hold", "15s", "how long they stay parked (RSS sampled each second)"),
                new Option("sync-timeout", "120s", "the /sync timeout they wait with"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int n = ctx.intOption("syncs");
        int roomCount = ctx.intOption("rooms");
        var hold = ctx.durationOption("hold");
        long syncTimeout = ctx.durationOption("sync-timeout").toMillis();
        Result r = ctx.newResult().param("syncs", n).param("rooms", roomCount).param("hold_s", hold.toMillis() / 1000.0)
                .param("sync_timeout_s", syncTimeout / 1000.0);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<User> users = Fixtures.users(client, "park", n);
        String[] rooms = new String[roomCount];
        Fixtures.parallel(roomCount, 8, i -> rooms[i] = client.createRoom(users.get(i), Fixtures.PUBLIC_ROOM));
        long t0 = System.nanoTime();
        Fixtures.parallel(n - roomCount, 32, i -> client.join(users.get(roomCount + i), rooms[(roomCount + i) % roomCount]));
        Log.info("joined " + (n - roomCount) + " users in " + (System.nanoTime() - t0) / 1_000_000 + " ms; initial syncs ...");

        AtomicLongArray answeredAt = new AtomicLongArray(n);
        AtomicLong early = new AtomicLong();
        AtomicInteger answered = new AtomicInteger();
        SyncLoops loops = new SyncLoops(server.port(), users, null, syncTimeout, (c, body, done) -> {
            boolean[] fin = {false};
            SyncLoops.timelineEvents(body, (room, ev) -> {
                if (ev.path("content").path("bench_final").asBoolean(false)) fin[0] = true;
            });
            if (!fin[0]) {
                early.incrementAndGet();
                return true;
            }
            answeredAt.set(c, done);
            answered.incrementAndGet();
            return false;
        });
        try {
            loops.initialSyncs(32);
            Thread.sleep(2000);
            long rssBefore = server.rssKb();
            long cpu0 = server.cpuMillis();
            loops.start();
            long p0 = System.nanoTime();
            boolean allParked = loops.awaitWaiting(n, 60_000);
            double parkSeconds = (System.nanoTime() - p0) / 1e9;
            Log.info((allParked ? "all " : "not all ") + n + " syncs sent in " + String.format("%.1f s", parkSeconds)
                    + "; holding " + hold.toSeconds() + " s");
            long maxRss = 0, lastRss = 0;
            long holdEnd = System.nanoTime() + hold.toNanos();
            while (System.nanoTime() < holdEnd) {
                Thread.sleep(1000);
                lastRss = server.rssKb();
                maxRss = Math.max(maxRss, lastRss);
            }
            long waitingAtEnd = loops.waiting();
            long earlyDuringHold = early.get();
            long cpuHold = server.cpuMillis() - cpu0;

            // The final send in every room: each parked sync should answer with it.
            long[] sendDone = new long[roomCount];
            RawHttp conn = new RawHttp(server.port()).open();
            long f0 = System.nanoTime();
            int sendErrors = 0;
            for (int i = 0; i < roomCount; i++) {
                byte[] body = MatrixClient.JSON.writeValueAsBytes(Map.of("msgtype", "m.text", "body", "wake up", "bench_final", true));
                try {
                    conn.exchange("PUT", Fixtures.sendPath(rooms[i], "final" + i), users.get(i).accessToken(), body).ok("final send");
                } catch (java.io.IOException e) {
                    if (sendErrors++ == 0) r.note("final send failed: " + e.getMessage());
                }
                sendDone[i] = System.nanoTime();
            }
            conn.close();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (answered.get() < n && System.nanoTime() < deadline) Thread.sleep(20);
            long lastAnswer = 0;
            LatencyRecorder wake = new LatencyRecorder();
            for (int c = 0; c < n; c++) {
                long a = answeredAt.get(c);
                if (a == 0) continue;
                lastAnswer = Math.max(lastAnswer, a);
                wake.record(Math.max(0, a - sendDone[c % roomCount]));
            }
            long peak = server.peakRssKb();

            Log.info(String.format("parked-syncs: RSS %.0f MB before, %.0f MB parked (max), %d/%d answered", rssBefore / 1024.0,
                    maxRss / 1024.0, answered.get(), n));
            r.metric("rss_before", rssBefore / 1024.0, "MB");
            r.metric("rss_parked_max", maxRss / 1024.0, "MB", 1024.0, null);
            r.metric("rss_parked_last", lastRss / 1024.0, "MB");
            r.metric("rss_per_parked_sync", (maxRss - rssBefore) / (double) n, "KB");
            r.metric("rss_peak_vmhwm", peak / 1024.0, "MB");
            r.metric("syncs_parked_at_end_of_hold", waitingAtEnd, "", null, null);
            r.metric("early_returns_during_hold", earlyDuringHold, "");
            r.metric("server_cpu_cores_while_parked", cpuHold / (hold.toMillis() + parkSeconds * 1000), "cores");
            r.metric("answered_after_final_send", answered.get(), "", null, null);
            r.metric("not_answered", n - answered.get(), "");
            r.throughput("answered_share", (double) answered.get() / n, "", 1.0);
            r.metric("all_answered_ms", lastAnswer == 0 ? Double.NaN : (lastAnswer - f0) / 1e6, "ms");
            r.latencies("wake", wake.snapshot(), null, null);
            r.metric("final_send_errors", sendErrors, "");
            r.metric("sync_errors", loops.errors(), "");
            Fixtures.serverErrors(r, server);
            for (String e : loops.errorSamples()) r.note("sync error: " + e);
            return r;
        } finally {
            loops.close();
        }
    }
}
