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
 * Read receipts in a large room (issue 5): a room with --members joined members; one member sends a
 * message, then one of --readers other members posts an m.read receipt for it, round after round.
 * Measures the receipt request only: median/p99 latency and SQL statements per receipt.
 */
public final class Receipt implements Scenario {
    @Override
    public String name() { return "receipt"; }

    @Override
    public String description() { return "m.read receipt in a room with 1,000 members: median latency"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("members", "1000", "joined members of the room"),
                new Option("readers", "20", "members who post receipts, in turn"),
                new Option("receipts", "500", "measured receipts"),
                new Option("warmup-receipts", "100", "unrecorded receipts first"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int members = ctx.intOption("members");
        int readers = ctx.intOption("readers");
        int receipts = ctx.intOption("receipts");
        int warmup = ctx.intOption("warmup-receipts");
        if (readers >= members) throw new IllegalArgumentException("--readers must be below --members");
        Result r = ctx.newResult().param("members", members).param("readers", readers).param("receipts", receipts);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<User> users = Fixtures.users(client, "reader", members);
        User sender = users.get(0);
        String room = client.createRoom(sender, Fixtures.PUBLIC_ROOM);
        Fixtures.joinAll(client, users.subList(1, members), room, 16);

        RawHttp conn = new RawHttp(server.port()).open();
        String roomEnc = MatrixClient.enc(room);
        byte[] empty = "{}".getBytes();
        LatencyRecorder lat = new LatencyRecorder();
        long stmts = 0;
        for (int i = 0; i < warmup + receipts; i++) {
            String eventId = conn.exchange("PUT", Fixtures.sendPath(room, "r" + i), sender.accessToken(),
                    MatrixClient.JSON.writeValueAsBytes(Fixtures.text("read me " + i))).ok("send").json().path("event_id").asText();
            User reader = users.get(1 + i % readers);
            String path = Fixtures.CLIENT + "/rooms/" + roomEnc + "/receipt/m.read/" + MatrixClient.enc(eventId);
            boolean record = i >= warmup;
            long s0 = record ? Fixtures.statements(client) : 0;
            long start = System.nanoTime();
            RawHttp.Reply rep = conn.exchange("POST", path, reader.accessToken(), empty).ok("receipt");
            if (record) {
                lat.record(rep.doneNanos() - start);
                stmts += Fixtures.statements(client) - s0;
            }
        }
        conn.close();
        var s = lat.snapshot();
        Log.info(String.format("receipt: median %.2f ms, p99 %.2f ms", s.medianMs(), s.percentileMs(99)));
        r.latencies("receipt", s, 5.0, null);
        r.metric("db_statements_per_receipt", (double) stmts / receipts, "");
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        return r;
    }
}
