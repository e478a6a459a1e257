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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Typing notifications (issue 5): --users users in --rooms rooms, all long-polling /sync. Every
 * user toggles typing (on, then off, ...) once per --interval, spread evenly in time. A delivery is
 * a change of the room's m.typing user list in another member's sync; its latency runs from the
 * typing request's response to that sync response (zero when the sync came first). Also counts the
 * SQL statements during the run, and then for typing requests alone, with no syncs running.
 */
public final class TypingScenario implements Scenario {
    @Override
    public String name() { return "typing"; }

    @Override
    public String description() { return "N users typing in M rooms, all long-polling: p99 delivery, DB statements"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("users", "1000", "users, all syncing and typing"),
                new Option("rooms", "100", "rooms (users/rooms members each)"),
                new Option("interval", "10s", "time between one user's typing changes"),
                new Option("duration", "20s", "measured time"),
                new Option("warmup", "5s", "unrecorded typing first"),
                new Option("isolated-puts", "500", "typing requests with no syncs running, for the statement count"));
    }

    private record Toggle(int user, boolean on, long start, long done) {}

    @Override
    public Result run(Context ctx) throws Exception {
        int n = ctx.intOption("users");
        int roomCount = ctx.intOption("rooms");
        var interval = ctx.durationOption("interval");
        var duration = ctx.durationOption("duration");
        var warmup = ctx.durationOption("warmup");
        int isolated = ctx.intOption("isolated-puts");
        if (n % roomCount != 0) throw new IllegalArgumentException("--users must be a multiple of --rooms");
        int perRoom = n / roomCount;
        double rate = n / (interval.toNanos() / 1e9);
        Result r = ctx.newResult().param("users", n).param("rooms", roomCount).param("members_per_room", perRoom)
                .param("typing_changes_per_s", rate).param("duration_s", duration.toMillis() / 1000.0)
                .param("warmup_s", warmup.toMillis() / 1000.0);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<User> users = Fixtures.users(client, "typist", n);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) index.put(users.get(i).userId(), i);
        String[] rooms = new String[roomCount];
        Fixtures.parallel(roomCount, 8, i -> rooms[i] = client.createRoom(users.get(i), Fixtures.PUBLIC_ROOM));
        Fixtures.parallel(n - roomCount, 16, i -> client.join(users.get(roomCount + i), rooms[(roomCount + i) % roomCount]));

        // Observations per client: {typer, on ? 1 : 0, arrival}; the typing set each client last saw in its room.
        List<List<long[]>> seen = new ArrayList<>();
        List<Set<Integer>> known = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seen.add(new ArrayList<>());
            known.add(new HashSet<>());
        }
        AtomicLong withTyping = new AtomicLong();
        SyncLoops loops = new SyncLoops(server.port(), users, null, 30_000, (c, body, done) -> {
            for (var en : body.path("rooms").path("join").properties()) {
                for (JsonNode ev : en.getValue().path("ephemeral").path("events")) {
                    if (!"m.typing".equals(ev.path("type").asText())) continue;
                    withTyping.incrementAndGet();
                    Set<Integer> now = new HashSet<>();
                    for (JsonNode u : ev.path("content").path("user_ids")) {
                        Integer t = index.get(u.asText());
                        if (t != null) now.add(t);
                    }
                    Set<Integer> before = known.get(c);
                    List<long[]> mine = seen.get(c);
                    synchronized (mine) {
                        for (Integer t : now) if (!before.contains(t) && t != c) mine.add(new long[] {t, 1, done});
                        for (Integer t : before) if (!now.contains(t) && t != c) mine.add(new long[] {t, 0, done});
                    }
                    known.set(c, now);
                }
            }
            return true;
        });
        try {
            loops.initialSyncs(32);
            loops.start();
            if (!loops.awaitWaiting(n, 60_000)) throw new IllegalStateException("clients did not all start polling");
            Thread.sleep(1000);

            RawHttp[] conns = new RawHttp[roomCount];
            for (int i = 0; i < roomCount; i++) conns[i] = new RawHttp(server.port()).open();
            long t0 = System.nanoTime();
            long measureFrom = t0 + warmup.toNanos();
            long measureTo = measureFrom + duration.toNanos();
            int maxToggles = (int) (rate * (warmup.toNanos() + duration.toNanos()) / 1e9) + 1;
            Toggle[] toggles = new Toggle[maxToggles];
            List<Thread> inflight = new ArrayList<>();
            AtomicLong errors = new AtomicLong();
            List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
            Fixtures.CpuMeter cpu = null;
            long stmts0 = 0, resp0 = 0;
            int first = -1, last = 0;
            for (int k = 0; k < maxToggles; k++) {
                long at = t0 + (long) (k * 1e9 / rate);
                if (at >= measureTo) break;
                long now;
                while ((now = System.nanoTime()) < at) {
                    long left = at - now;
                    if (left > 2_000_000) Thread.sleep(left / 1_000_000 - 1);
                    else Thread.onSpinWait();
                }
                if (first < 0 && now >= measureFrom) {
                    first = k;
                    cpu = new Fixtures.CpuMeter(server);
                    stmts0 = Fixtures.statements(client);
                    resp0 = loops.responses();
                }
                int seq = k;
                int u = k % n;
                boolean on = (k / n) % 2 == 0;
                byte[] body = MatrixClient.JSON.writeValueAsBytes(on ? Map.of("typing", true, "timeout", 30_000) : Map.of("typing", false));
                String path = Fixtures.CLIENT + "/rooms/" + MatrixClient.enc(rooms[u % roomCount]) + "/typing/"
                        + MatrixClient.enc(users.get(u).userId());
                inflight.add(Thread.ofVirtual().start(() -> {
                    try {
                        long s = System.nanoTime();
                        RawHttp.Reply rep = conns[u % roomCount].exchange("PUT", path, users.get(u).accessToken(), body).ok("typing");
                        toggles[seq] = new Toggle(u, on, s, rep.doneNanos());
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (errorSamples.size() < 5) errorSamples.add(e.toString());
                    }
                }));
                last = k + 1;
            }
            for (Thread t : inflight) t.join();
            long windowEnd = System.nanoTime();
            long stmts = Fixtures.statements(client) - stmts0;
            long responses = loops.responses() - resp0;
            Fixtures.CpuMeter cpuMeter = cpu;
            Thread.sleep(3000); // let deliveries drain
            cpuMeter.report(r, "", last - first);
            loops.close();

            // Match each observation to the typer's latest change of that kind that started before it arrived.
            Map<Integer, List<Toggle>> byUser = new HashMap<>();
            for (int k = 0; k < last; k++) if (toggles[k] != null) byUser.computeIfAbsent(toggles[k].user(), x -> new ArrayList<>()).add(toggles[k]);
            LatencyRecorder lat = new LatencyRecorder();
            long delivered = 0, beforeResponse = 0;
            long measuredStart = first < 0 ? Long.MAX_VALUE : t0 + (long) (first * 1e9 / rate);
            for (List<long[]> l : seen) {
                for (long[] o : l) {
                    Toggle match = null;
                    for (Toggle t : byUser.getOrDefault((int) o[0], List.of())) {
                        if (t.on() == (o[1] == 1) && t.start() <= o[2]) match = t;
                    }
                    if (match == null || match.start() < measuredStart - 1_000_000) continue;
                    delivered++;
                    long d = o[2] - match.done();
                    if (d < 0) beforeResponse++;
                    lat.record(Math.max(0, d));
                }
            }
            long measuredToggles = 0;
            for (int k = Math.max(0, first); k < last; k++) if (toggles[k] != null) measuredToggles++;
            long expected = measuredToggles * (perRoom - 1);
            double seconds = (windowEnd - measureFrom) / 1e9;
            var s = lat.snapshot();
            Log.info(String.format("typing: p50 %.2f ms, p99 %.2f ms over %d deliveries (%d expected)", s.medianMs(),
                    s.percentileMs(99), delivered, expected));
            r.latencies("delivery", s, null, 25.0);
            r.metric("typing_changes", measuredToggles, "");
            r.metric("deliveries", delivered, "");
            r.metric("deliveries_missing", expected - delivered, "");
            r.throughput("delivered_share", expected == 0 ? 0 : (double) delivered / expected, "", 1.0);
            r.metric("deliveries_before_typing_response", beforeResponse, "");
            r.metric("sync_responses_per_s", responses / seconds, "1/s");
            r.metric("db_statements_during_run", stmts, "");
            r.metric("db_statements_per_sync_response", responses == 0 ? 0 : (double) stmts / responses, "");
            r.metric("typing_errors", errors.get(), "");
            r.metric("sync_errors", loops.errors(), "");
            Fixtures.serverErrors(r, server);
            for (String e : errorSamples) r.note("typing error: " + e);
            for (String e : loops.errorSamples()) r.note("sync error: " + e);

            // Typing requests alone: nothing else is running, so every statement would be theirs.
            long i0 = Fixtures.statements(client);
            for (int k = 0; k < isolated; k++) {
                int u = k % n;
                conns[u % roomCount].json("PUT", Fixtures.CLIENT + "/rooms/" + MatrixClient.enc(rooms[u % roomCount]) + "/typing/"
                        + MatrixClient.enc(users.get(u).userId()), users.get(u).accessToken(), Map.of("typing", k % 2 == 0, "timeout", 30_000))
                        .ok("typing");
            }
            long isolatedStmts = Fixtures.statements(client) - i0;
            for (RawHttp c : conns) c.close();
            r.metric("db_statements_per_typing_request", (double) isolatedStmts / isolated, "");
            r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
            return r;
        } finally {
            loops.close();
        }
    }
}
