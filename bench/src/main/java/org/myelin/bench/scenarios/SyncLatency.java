package org.myelin.bench.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.bench.Context;
import org.myelin.bench.LatencyRecorder;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Send-to-sync delivery (issue 4): --clients users long-polling /sync, spread over --rooms rooms
 * (clients/rooms each), and one more user per room who sends. Sends go out open-loop at --rate per
 * second, round-robin over the rooms; each carries a sequence number. For every (send, recipient)
 * the latency is from the send's response to the recipient's sync response carrying it (zero when
 * the sync answered first). The load generator uses one keep-alive socket per client on virtual
 * threads, so it stays cheap next to the server (its CPU use is reported).
 */
public final class SyncLatency implements Scenario {
    @Override
    public String name() { return "sync-latency"; }

    @Override
    public String description() { return "send-to-sync delivery latency with N clients long-polling: p50/p99"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("clients", "1000", "syncing clients, one user each"),
                new Option("rooms", "100", "rooms (each with clients/rooms recipients and one sender)"),
                new Option("rate", "100", "sends per second over all rooms"),
                new Option("duration", "20s", "measured time"),
                new Option("warmup", "5s", "unrecorded sending first"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int clients = ctx.intOption("clients");
        int roomCount = ctx.intOption("rooms");
        int rate = ctx.intOption("rate");
        var duration = ctx.durationOption("duration");
        var warmup = ctx.durationOption("warmup");
        if (clients % roomCount != 0) throw new IllegalArgumentException("--clients must be a multiple of --rooms");
        int perRoom = clients / roomCount;
        Result r = ctx.newResult().param("clients", clients).param("rooms", roomCount).param("recipients_per_room", perRoom)
                .param("rate_per_s", rate).param("duration_s", duration.toMillis() / 1000.0)
                .param("warmup_s", warmup.toMillis() / 1000.0);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();

        List<User> senders = Fixtures.users(client, "sender", roomCount);
        List<User> receivers = Fixtures.users(client, "recv", clients);
        String[] rooms = new String[roomCount];
        Fixtures.parallel(roomCount, 8, i -> rooms[i] = client.createRoom(senders.get(i), Fixtures.PUBLIC_ROOM));
        Fixtures.parallel(clients, 16, i -> client.join(receivers.get(i), rooms[i % roomCount]));
        Log.info("rooms ready; initial syncs ...");

        long totalNanos = warmup.toNanos() + duration.toNanos();
        int maxSends = (int) (rate * totalNanos / 1_000_000_000L) + 1;
        long[] sendStart = new long[maxSends];
        long[] sendDone = new long[maxSends];
        // Observations: per client, (seq, arrival) pairs appended by that client's thread only.
        List<List<long[]>> seen = new ArrayList<>();
        for (int i = 0; i < clients; i++) seen.add(new ArrayList<>());
        AtomicLong withProbe = new AtomicLong();
        SyncLoops loops = new SyncLoops(server.port(), receivers, null, 30_000, (c, body, done) -> {
            boolean[] any = {false};
            SyncLoops.timelineEvents(body, (room, ev) -> {
                JsonNode seq = ev.path("content").path("bench_seq");
                if (seq.isNumber()) {
                    List<long[]> mine = seen.get(c);
                    synchronized (mine) {
                        mine.add(new long[] {seq.asLong(), done});
                    }
                    any[0] = true;
                }
            });
            if (any[0]) withProbe.incrementAndGet();
            return true;
        });
        try {
            loops.initialSyncs(32);
            loops.start();
            if (!loops.awaitWaiting(clients, 60_000)) throw new IllegalStateException("clients did not all start polling");
            Thread.sleep(1000);

            RawHttp[] conns = new RawHttp[roomCount];
            for (int i = 0; i < roomCount; i++) conns[i] = new RawHttp(server.port()).open();
            long t0 = System.nanoTime();
            long measureFrom = t0 + warmup.toNanos();
            long measureTo = t0 + totalNanos;
            long[] mark = new long[4];
            AtomicLong sendErrors = new AtomicLong();
            List<Thread> inflight = new ArrayList<>();
            Fixtures.CpuMeter cpu = null;
            long stmts0 = 0;
            long responses0 = 0, probes0 = 0;
            for (int k = 0; k < maxSends; k++) {
                long at = t0 + k * 1_000_000_000L / rate;
                if (at >= measureTo) break;
                long now;
                while ((now = System.nanoTime()) < at) {
                    long left = at - now;
                    if (left > 2_000_000) Thread.sleep(left / 1_000_000 - 1);
                    else Thread.onSpinWait();
                }
                if (cpu == null && now >= measureFrom) {
                    cpu = new Fixtures.CpuMeter(server);
                    stmts0 = Fixtures.statements(client);
                    responses0 = loops.responses();
                    probes0 = withProbe.get();
                    mark[0] = k;
                }
                int seq = k;
                int room = k % roomCount;
                byte[] body = MatrixClient.JSON.writeValueAsBytes(Map.of("msgtype", "m.text", "body", "probe " + seq, "bench_seq", seq));
                inflight.add(Thread.ofVirtual().start(() -> {
                    try {
                        long s = System.nanoTime();
                        sendStart[seq] = s;
                        conns[room].exchange("PUT", Fixtures.sendPath(rooms[room], "q" + seq), senders.get(room).accessToken(), body).ok("send");
                        sendDone[seq] = System.nanoTime();
                    } catch (Exception e) {
                        sendErrors.incrementAndGet();
                    }
                }));
                mark[1] = k + 1;
            }
            for (Thread t : inflight) t.join();
            long windowEnd = System.nanoTime();
            long responses = loops.responses() - responses0;
            long probes = withProbe.get() - probes0;
            long stmts = Fixtures.statements(client) - stmts0;
            Fixtures.CpuMeter cpuMeter = cpu;
            // Let deliveries drain.
            long first = mark[0], last = mark[1];
            long expected = (last - first) * perRoom;
            long drainUntil = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < drainUntil && countMeasured(seen, first, last) < expected) Thread.sleep(50);
            cpuMeter.report(r, "", (last - first));
            loops.close();
            for (RawHttp c : conns) c.close();

            LatencyRecorder fromResponse = new LatencyRecorder();
            LatencyRecorder fromRequest = new LatencyRecorder();
            long beforeResponse = 0, delivered = 0;
            for (List<long[]> l : seen) {
                for (long[] o : l) {
                    int seq = (int) o[0];
                    if (seq < first || seq >= last || sendDone[seq] == 0) continue;
                    delivered++;
                    long d = o[1] - sendDone[seq];
                    if (d < 0) beforeResponse++;
                    fromResponse.record(Math.max(0, d));
                    fromRequest.record(o[1] - sendStart[seq]);
                }
            }
            var s = fromResponse.snapshot();
            double seconds = (windowEnd - measureFrom) / 1e9;
            Log.info(String.format("sync-latency: p50 %.2f ms, p99 %.2f ms over %d deliveries (%d expected)", s.medianMs(),
                    s.percentileMs(99), delivered, expected));
            r.latencies("delivery", s, 5.0, 25.0);
            r.latencies("send_request_to_delivery", fromRequest.snapshot(), null, null);
            r.metric("sends", last - first, "");
            r.metric("deliveries", delivered, "");
            r.metric("deliveries_missing", expected - delivered, "");
            r.throughput("delivered_share", expected == 0 ? 0 : (double) delivered / expected, "", 1.0);
            r.metric("deliveries_before_send_response", beforeResponse, "");
            r.metric("sync_responses_per_s", responses / seconds, "1/s");
            r.metric("sync_responses_without_probe_share", responses == 0 ? 0 : 1.0 - (double) probes / responses, "");
            r.metric("db_statements_per_sync_response", responses == 0 ? 0 : (double) stmts / responses, "");
            r.metric("send_errors", sendErrors.get(), "");
            r.metric("sync_errors", loops.errors(), "");
            Fixtures.serverErrors(r, server);
            for (String e : loops.errorSamples()) r.note("sync error: " + e);
            r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
            return r;
        } finally {
            loops.close();
        }
    }

    private static long countMeasured(List<List<long[]>> seen, long first, long last) {
        long n = 0;
        for (List<long[]> l : seen) {
            synchronized (l) {
                for (int i = l.size() - 1; i >= 0; i--) {
                    long seq = l.get(i)[0];
                    if (seq >= first && seq < last) n++;
                }
            }
        }
        return n;
    }
}
