package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.LatencyRecorder;
import org.myelin.bench.Load;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message send throughput (issue 3): --senders senders, each its own user in its own pre-created
 * room (default preset), each on its own keep-alive connection. Two phases on one server:
 * <ol>
 *   <li>throughput: every sender sends back to back (closed loop) for --duration: events/s;</li>
 *   <li>latency at a given load: the senders together send --rate events/s on a fixed schedule
 *   (open loop) for --duration: p50/p99 from each send's scheduled time, so that a stalled server
 *   shows up as latency rather than as fewer requests. (In a closed loop with 50 senders the mean
 *   latency is 50 / throughput by Little's law, 25 ms at 2,000/s: a p99 target needs a fixed load.)</li>
 * </ol>
 * Also reports per event the SQL statements and the server's CPU time.
 */
public final class Send implements Scenario {
    @Override
    public String name() { return "send"; }

    @Override
    public String description() { return "message send throughput: N senders in N rooms, events/s and p50/p99 latency"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("senders", "50", "concurrent senders, one user and one room each"),
                new Option("duration", "10s", "measured time of each phase"),
                new Option("rate", "target", "events/s of the fixed-load phase; 'target' = 2000 on SQLite, 1500 on PostgreSQL"),
                new Option("warmup", "3s", "unrecorded time before measuring"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int senders = ctx.intOption("senders");
        var duration = ctx.durationOption("duration");
        var warmup = ctx.durationOption("warmup");
        Result r = ctx.newResult().param("senders", senders).param("rooms", senders)
                .param("duration_s", duration.toMillis() / 1000.0).param("warmup_s", warmup.toMillis() / 1000.0);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<User> users = Fixtures.users(client, "sender", senders);
        String[] rooms = new String[senders];
        Fixtures.parallel(senders, 8, i -> rooms[i] = client.createRoom(users.get(i), java.util.Map.of()));
        List<RawHttp> conns = new ArrayList<>();
        for (int i = 0; i < senders; i++) conns.add(new RawHttp(server.port()).open());
        byte[] body = MatrixClient.JSON.writeValueAsBytes(Fixtures.text("benchmark message with a typical length, about sixty bytes"));

        long[] stmts = new long[2];
        Fixtures.CpuMeter[] cpu = new Fixtures.CpuMeter[1];
        // Counters are read just as the measured window opens (from the first worker past warm-up).
        Thread meter = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(warmup.toMillis());
                stmts[0] = Fixtures.statements(client);
                cpu[0] = new Fixtures.CpuMeter(server);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Load.Outcome o = Load.closedLoop(senders, warmup, duration, (w, i) ->
                conns.get(w).exchange("PUT", Fixtures.sendPath(rooms[w], "t" + w + "-" + i), users.get(w).accessToken(), body)
                        .ok("send"));
        meter.join();
        stmts[1] = Fixtures.statements(client);

        double target = ctx.db() == Context.Db.POSTGRES ? 1500.0 : 2000.0;
        Log.info(String.format("send (closed loop): %.0f events/s, p50 %.2f ms, p99 %.2f ms, %d errors", o.perSecond(),
                o.latency().medianMs(), o.latency().percentileMs(99), o.errors()));
        r.throughput("events_per_s", o.perSecond(), "events/s", target);
        r.latencies("closed_loop_send", o.latency(), null, null);
        r.metric("errors", o.errors(), "");
        // Statements between the two counter reads, over the events completed in (about) that window.
        r.metric("db_statements_per_event", (double) (stmts[1] - stmts[0]) / Math.max(1, o.completed()), "");
        cpu[0].report(r, "", o.completed());
        for (String e : o.errorSamples()) r.note("error: " + e);

        // Phase 2: a fixed load.
        String rateOpt = ctx.option("rate");
        int rate = rateOpt.equals("target") ? (int) target : Integer.parseInt(rateOpt);
        r.param("fixed_rate", rate);
        LatencyRecorder fromSchedule = new LatencyRecorder();
        LatencyRecorder service = new LatencyRecorder();
        AtomicLong fixedErrors = new AtomicLong();
        AtomicLong fixedDone = new AtomicLong();
        AtomicLong allDone = new AtomicLong();
        long t0 = System.nanoTime() + 200_000_000L;
        long measureFrom = t0 + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        double gapNanos = 1e9 / rate;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < senders; w++) {
            int worker = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (long k = 0; ; k++) {
                    long intended = t0 + (long) ((k * senders + worker) * gapNanos);
                    if (intended >= end) return;
                    long now;
                    while ((now = System.nanoTime()) < intended) {
                        long left = intended - now;
                        try {
                            if (left > 1_000_000) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                            else Thread.onSpinWait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    try {
                        RawHttp.Reply rep = conns.get(worker).exchange("PUT", Fixtures.sendPath(rooms[worker], "f" + worker + "-" + k),
                                users.get(worker).accessToken(), body).ok("send");
                        allDone.incrementAndGet();
                        if (intended >= measureFrom) {
                            fromSchedule.record(rep.doneNanos() - intended);
                            service.record(rep.doneNanos() - now);
                            fixedDone.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (intended >= measureFrom) fixedErrors.incrementAndGet();
                    }
                }
            }));
        }
        Fixtures.CpuMeter fixedCpu = new Fixtures.CpuMeter(server);
        for (Thread t : threads) t.join();
        for (RawHttp c : conns) c.close();
        var f = fromSchedule.snapshot();
        Log.info(String.format("send at %d/s: p50 %.2f ms, p99 %.2f ms (from schedule), %d errors", rate, f.medianMs(),
                f.percentileMs(99), fixedErrors.get()));
        r.throughput("fixed_rate.achieved_events_per_s", fixedDone.get() / (duration.toNanos() / 1e9), "events/s", (double) rate);
        r.latencies("fixed_rate.send", f, null, 25.0);
        r.latencies("fixed_rate.service", service.snapshot(), null, null);
        r.metric("fixed_rate.errors", fixedErrors.get(), "");
        fixedCpu.report(r, "fixed_rate.", allDone.get());
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        return r;
    }
}
