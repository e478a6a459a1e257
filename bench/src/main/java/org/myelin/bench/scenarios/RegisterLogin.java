package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.Load;
import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Throughput and latency of open registration (the two-step user-interactive auth with
 * m.login.dummy; one operation = both requests) and then of password login, each with
 * --clients concurrent clients for --duration after --warmup. Both are dominated by the password
 * hash (Argon2id), by design.
 */
public final class RegisterLogin implements Scenario {
    private static final String PASSWORD = "bench-password-1";

    @Override
    public String name() { return "register-login"; }

    @Override
    public String description() { return "register (2-step m.login.dummy UIA) and password login: ops/s, p50/p99"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("clients", "8", "concurrent clients"),
                new Option("duration", "10s", "measured time of each phase"),
                new Option("warmup", "2s", "unrecorded time before each phase"));
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

        List<String> users = Collections.synchronizedList(new ArrayList<>());
        Load.Outcome reg = Load.closedLoop(clients, warmup, duration, (w, i) -> {
            String name = "bench" + w + "x" + i;
            client.register(name, PASSWORD);
            users.add(name);
        });
        Log.info(String.format("register: %.1f/s, p50 %.1f ms, p99 %.1f ms, %d errors", reg.perSecond(),
                reg.latency().medianMs(), reg.latency().percentileMs(99), reg.errors()));
        add(r, "register", reg);
        if (users.isEmpty()) throw new IllegalStateException("no user registered; cannot measure login: " + reg.errorSamples());

        List<String> names = List.copyOf(users);
        Load.Outcome login = Load.closedLoop(clients, warmup, duration, (w, i) -> {
            String name = names.get((int) ((w + i * clients) % names.size()));
            client.login(name, PASSWORD);
        });
        Log.info(String.format("login: %.1f/s, p50 %.1f ms, p99 %.1f ms, %d errors", login.perSecond(),
                login.latency().medianMs(), login.latency().percentileMs(99), login.errors()));
        add(r, "login", login);
        r.metric("server_rss_after", server.rssKb() / 1024.0, "MB");
        r.metric("server_peak_rss", server.peakRssKb() / 1024.0, "MB");
        return r;
    }

    private static void add(Result r, String name, Load.Outcome o) {
        r.throughput(name + ".ops_per_s", o.perSecond(), "ops/s", null);
        r.latencies(name, o.latency(), null, null);
        r.metric(name + ".errors", o.errors(), "");
        for (String e : o.errorSamples()) r.note(name + " error: " + e);
    }
}
