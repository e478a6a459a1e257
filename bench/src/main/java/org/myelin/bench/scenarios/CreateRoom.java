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

/**
 * POST /createRoom with an empty body (the default preset, private_chat: create, creator's join,
 * power levels, join rules, history visibility, guest access) by one user, one after another:
 * latency median/p99, SQL statements and server CPU per room.
 */
public final class CreateRoom implements Scenario {
    @Override
    public String name() { return "create-room"; }

    @Override
    public String description() { return "createRoom (default preset) latency median/p99, one request at a time"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("rooms", "500", "measured rooms"),
                new Option("warmup-rooms", "100", "unrecorded rooms first"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int rooms = ctx.intOption("rooms");
        int warmup = ctx.intOption("warmup-rooms");
        Result r = ctx.newResult().param("rooms", rooms).param("warmup_rooms", warmup);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        User u = Fixtures.users(client, "creator", 1).get(0);
        RawHttp conn = new RawHttp(server.port()).open();
        byte[] body = "{}".getBytes();
        String path = Fixtures.CLIENT + "/createRoom";
        for (int i = 0; i < warmup; i++) conn.exchange("POST", path, u.accessToken(), body).ok("createRoom");
        LatencyRecorder lat = new LatencyRecorder();
        long s0 = Fixtures.statements(client);
        Fixtures.CpuMeter cpu = new Fixtures.CpuMeter(server);
        for (int i = 0; i < rooms; i++) {
            long start = System.nanoTime();
            RawHttp.Reply rep = conn.exchange("POST", path, u.accessToken(), body).ok("createRoom");
            lat.record(rep.doneNanos() - start);
        }
        long stmts = Fixtures.statements(client) - s0;
        conn.close();
        var s = lat.snapshot();
        Log.info(String.format("create-room: median %.2f ms, p99 %.2f ms", s.medianMs(), s.percentileMs(99)));
        r.latencies("create_room", s, 10.0, null);
        r.metric("db_statements_per_room", (double) stmts / rooms, "");
        cpu.report(r, "", rooms);
        return r;
    }
}
