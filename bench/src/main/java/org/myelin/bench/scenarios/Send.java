package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.Load;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Message send throughput (issue 3): --senders concurrent senders, each its own user in its own
 * pre-created room (default preset), each sending m.room.message back to back over a keep-alive
 * connection for --duration. Reports events/s, send latency, and per event the SQL statements and
 * the server's CPU time.
 */
public final class Send implements Scenario {
    @Override
    public String name() { return "send"; }

    @Override
    public String description() { return "message send throughput: N senders in N rooms, events/s and p50/p99 latency"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("senders", "50", "concurrent senders, one user and one room each"),
                new Option("duration", "10s", "measured time"),
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
        for (RawHttp c : conns) c.close();

        double target = ctx.db() == Context.Db.POSTGRES ? 1500.0 : 2000.0;
        Log.info(String.format("send: %.0f events/s, p50 %.2f ms, p99 %.2f ms, %d errors", o.perSecond(),
                o.latency().medianMs(), o.latency().percentileMs(99), o.errors()));
        r.throughput("events_per_s", o.perSecond(), "events/s", target);
        r.latencies("send", o.latency(), null, 25.0);
        r.metric("errors", o.errors(), "");
        // Statements between the two counter reads, over the events completed in (about) that window.
        r.metric("db_statements_per_event", (double) (stmts[1] - stmts[0]) / Math.max(1, o.completed()), "");
        cpu[0].report(r, "", o.completed());
        for (String e : o.errorSamples()) r.note("error: " + e);
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        return r;
    }
}
