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
 * Sending in a large room (issue 3): a public room with --members joined users against a room
 * with 2, one sender in each, sends alternating in blocks between the two rooms (so machine noise
 * hits both alike). The send path must do no work proportional to room size: the ratio of the
 * median latencies should stay within 2x. Joining the members is the slow part of the set-up
 * (one membership event each, serialized per room); --members 1000 makes a quick run.
 */
public final class LargeRoom implements Scenario {
    @Override
    public String name() { return "large-room"; }

    @Override
    public String description() { return "send latency in a room with N joined members vs a 2-member room, and the ratio"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("members", "10000", "joined members of the large room"),
                new Option("sends", "400", "measured sends in each room"),
                new Option("warmup-sends", "100", "unrecorded sends in each room first"),
                new Option("block", "20", "consecutive sends in one room before switching"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int members = ctx.intOption("members");
        int sends = ctx.intOption("sends");
        int warmupSends = ctx.intOption("warmup-sends");
        int block = ctx.intOption("block");
        Result r = ctx.newResult().param("members", members).param("sends", sends).param("warmup_sends", warmupSends);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();

        List<User> users = Fixtures.users(client, "m", members);
        User bigSender = users.get(0);
        String big = client.createRoom(bigSender, Fixtures.PUBLIC_ROOM);
        long t0 = System.nanoTime();
        Fixtures.joinAll(client, users.subList(1, members), big, 16);
        double joinS = (System.nanoTime() - t0) / 1e9;
        Log.info(String.format("joined %d members in %.1f s (%.0f joins/s)", members - 1, joinS, (members - 1) / joinS));
        r.metric("setup.joins_per_s", (members - 1) / joinS, "joins/s");

        List<User> pair = Fixtures.users(client, "p", 2);
        String small = client.createRoom(pair.get(0), Fixtures.PUBLIC_ROOM);
        client.join(pair.get(1), small);
        User smallSender = pair.get(0);

        RawHttp conn = new RawHttp(server.port()).open();
        byte[] body = MatrixClient.JSON.writeValueAsBytes(Fixtures.text("hello, large room"));
        LatencyRecorder bigLat = new LatencyRecorder(), smallLat = new LatencyRecorder();
        long[] bigStmts = new long[1], smallStmts = new long[1];
        long[] bigCpu = new long[1], smallCpu = new long[1];
        int[] seq = new int[1];
        for (int phase = 0; phase < 2; phase++) {
            int total = phase == 0 ? warmupSends : sends;
            boolean record = phase == 1;
            for (int done = 0; done < total; done += block) {
                int n = Math.min(block, total - done);
                for (int which = 0; which < 2; which++) {
                    boolean isBig = (which == 0) == ((done / block) % 2 == 0);
                    String room = isBig ? big : small;
                    User u = isBig ? bigSender : smallSender;
                    long s0 = Fixtures.statements(client);
                    long c0 = server.cpuMillis();
                    for (int k = 0; k < n; k++) {
                        long start = System.nanoTime();
                        RawHttp.Reply rep = conn.exchange("PUT", Fixtures.sendPath(room, "l" + seq[0]++), u.accessToken(), body).ok("send");
                        if (record) (isBig ? bigLat : smallLat).record(rep.doneNanos() - start);
                    }
                    if (record) {
                        (isBig ? bigStmts : smallStmts)[0] += Fixtures.statements(client) - s0;
                        (isBig ? bigCpu : smallCpu)[0] += server.cpuMillis() - c0;
                    }
                }
            }
        }
        conn.close();
        var b = bigLat.snapshot();
        var s = smallLat.snapshot();
        double ratio = b.medianMs() / s.medianMs();
        Log.info(String.format("large-room: median %.2f ms (%d members) vs %.2f ms (2 members): %.2fx", b.medianMs(), members,
                s.medianMs(), ratio));
        r.latencies("send_large", b, null, null);
        r.latencies("send_small", s, null, null);
        r.metric("median_ratio_large_to_small", ratio, "x", 2.0, null);
        r.metric("p99_ratio_large_to_small", b.percentileMs(99) / s.percentileMs(99), "x");
        r.metric("db_statements_per_send_large", (double) bigStmts[0] / sends, "");
        r.metric("db_statements_per_send_small", (double) smallStmts[0] / sends, "");
        r.metric("server_cpu_ms_per_send_large", (double) bigCpu[0] / sends, "ms");
        r.metric("server_cpu_ms_per_send_small", (double) smallCpu[0] / sends, "ms");
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        r.note("server CPU per send is at clock-tick resolution (10 ms) summed over blocks; compare the two, not absolutes");
        return r;
    }
}
