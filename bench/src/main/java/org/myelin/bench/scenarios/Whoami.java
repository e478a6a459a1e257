package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.Load;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Authenticated GET /account/whoami from --clients concurrent clients (each its own user): the
 * cost floor of every authenticated endpoint (HTTP, access-token check, JSON). Used to see what
 * JVM flags do to request throughput.
 */
public final class Whoami implements Scenario {
    @Override
    public String name() { return "whoami"; }

    @Override
    public String description() { return "authenticated GET /account/whoami: request floor throughput, p50/p99"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("clients", "8", "concurrent clients (one user each)"),
                new Option("duration", "10s", "measured time"),
                new Option("warmup", "2s", "unrecorded time before measuring"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int clients = ctx.intOption("clients");
        var duration = ctx.durationOption("duration");
        var warmup = ctx.durationOption("warmup");
        Result r = ctx.newResult().param("clients", clients).param("duration_s", duration.toMillis() / 1000.0)
                .param("warmup_s", warmup.toMillis() / 1000.0);
        ServerProcess server = ctx.startServer(ctx.freshSpec());
        MatrixClient client = server.client();
        List<MatrixClient.User> users = new ArrayList<>();
        for (int i = 0; i < clients; i++) users.add(client.registerWithSharedSecret("who" + i, "bench-password-1", false));
        Load.Outcome o = Load.closedLoop(clients, warmup, duration, (w, i) ->
                client.call("GET", "/_matrix/client/v3/account/whoami", users.get(w).accessToken(), null));
        Log.info(String.format("whoami: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors", o.perSecond(),
                o.latency().medianMs(), o.latency().percentileMs(99), o.errors()));
        r.throughput("requests_per_s", o.perSecond(), "req/s", null);
        r.latencies("latency", o.latency(), null, null);
        r.metric("errors", o.errors(), "");
        for (String e : o.errorSamples()) r.note("error: " + e);
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        return r;
    }
}
