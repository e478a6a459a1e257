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
 * The cost of /sync for a user in many rooms (issue 4): a user in --rooms rooms (each created by
 * them, with --messages messages from a second member). (a) Incremental sync with nothing new
 * (timeout=0): latency and SQL statements per sync, which should not grow with the room count.
 * (b) Initial sync with a timeline limit of 10: latency.
 */
public final class SyncCost implements Scenario {
    static final String LIMIT_10 = "{\"room\":{\"timeline\":{\"limit\":10}}}";

    @Override
    public String name() { return "sync-cost"; }

    @Override
    public String description() { return "user in 500 rooms: incremental no-op sync (latency, SQL statements) and initial sync (limit 10)"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("rooms", "500", "rooms the user is in"),
                new Option("messages", "15", "messages per room (from another member)"),
                new Option("incremental", "300", "measured incremental syncs"),
                new Option("initial", "30", "measured initial syncs"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int roomCount = ctx.intOption("rooms");
        int messages = ctx.intOption("messages");
        int incremental = ctx.intOption("incremental");
        int initial = ctx.intOption("initial");
        Result r = ctx.newResult().param("rooms", roomCount).param("messages_per_room", messages)
                .param("incremental_syncs", incremental).param("initial_syncs", initial);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<User> two = Fixtures.users(client, "syncer", 2);
        User me = two.get(0), other = two.get(1);
        String[] rooms = new String[roomCount];
        long t0 = System.nanoTime();
        Fixtures.parallel(roomCount, 4, i -> {
            rooms[i] = client.createRoom(me, Fixtures.PUBLIC_ROOM);
            client.join(other, rooms[i]);
        });
        Fixtures.parallel(roomCount, 8, i -> {
            for (int m = 0; m < messages; m++) client.sendText(other, rooms[i], "message " + m + " in room " + i);
        });
        Log.info("set up " + roomCount + " rooms with " + messages + " messages each in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        RawHttp conn = new RawHttp(server.port()).open();
        String token = me.accessToken();
        String initialPath = Fixtures.CLIENT + "/sync?timeout=0&filter=" + MatrixClient.enc(LIMIT_10);

        // (b) initial sync with a timeline limit of 10, after 3 unrecorded ones
        for (int i = 0; i < 3; i++) conn.exchange("GET", initialPath, token, null).ok("initial sync");
        LatencyRecorder init = new LatencyRecorder();
        long s0 = Fixtures.statements(client);
        String since = null;
        int joinedRooms = 0;
        for (int i = 0; i < initial; i++) {
            long start = System.nanoTime();
            RawHttp.Reply rep = conn.exchange("GET", initialPath, token, null).ok("initial sync");
            init.record(rep.doneNanos() - start);
            if (since == null) {
                var j = rep.json();
                since = j.path("next_batch").asText();
                joinedRooms = j.path("rooms").path("join").size();
            }
        }
        long initStmts = Fixtures.statements(client) - s0;
        if (joinedRooms != roomCount) throw new IllegalStateException("initial sync shows " + joinedRooms + " rooms, expected " + roomCount);

        // (a) incremental sync with nothing new
        String incPath = Fixtures.CLIENT + "/sync?timeout=0&since=" + MatrixClient.enc(since);
        for (int i = 0; i < 20; i++) conn.exchange("GET", incPath, token, null).ok("incremental sync");
        LatencyRecorder inc = new LatencyRecorder();
        s0 = Fixtures.statements(client);
        for (int i = 0; i < incremental; i++) {
            long start = System.nanoTime();
            RawHttp.Reply rep = conn.exchange("GET", incPath, token, null).ok("incremental sync");
            inc.record(rep.doneNanos() - start);
        }
        long incStmts = Fixtures.statements(client) - s0;
        conn.close();

        var a = inc.snapshot();
        var b = init.snapshot();
        double perSync = (double) incStmts / incremental;
        Log.info(String.format("sync-cost: incremental p50 %.2f ms, %.2f statements/sync; initial p50 %.0f ms", a.medianMs(), perSync,
                b.medianMs()));
        r.latencies("incremental_noop", a, null, null);
        // Target: no per-room query, i.e. far below one statement per room.
        r.metric("incremental_noop.db_statements_per_sync", perSync, "", 1.0, null);
        r.metric("incremental_noop.db_statements_per_room", perSync / roomCount, "");
        r.latencies("initial_limit10", b, 300.0, null);
        r.metric("initial_limit10.db_statements_per_sync", (double) initStmts / initial, "");
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        return r;
    }
}
