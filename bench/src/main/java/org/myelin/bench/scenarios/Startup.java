package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.LatencyRecorder;
import org.myelin.bench.Log;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time from process start to the first successful GET /_matrix/client/versions, with a fresh data
 * dir (first start: schema migrations, signing key) and with an existing one (a restart); runs of
 * the two kinds alternate so that machine noise hits both alike. The bench's first, unmeasured
 * start (see {@link org.myelin.bench.Env#createCdsArchive}) has written the launcher's
 * class-data-sharing archive, as an operator's first start does.
 */
public final class Startup implements Scenario {
    static final double TARGET_MS = 1000;
    static final double SYNAPSE_MS = 1500;
    private static final Pattern STARTED_IN = Pattern.compile("started in (\\d+) ms");

    @Override
    public String name() { return "startup"; }

    @Override
    public String description() {
        return "process start to first 200 from /versions; fresh and existing data dir (target < 1 s)";
    }

    @Override
    public List<Option> options() {
        return List.of(new Option("runs", "5", "measured starts of each kind"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int runs = ctx.intOption("runs");
        Result r = ctx.newResult().param("runs", runs).param("poll_ms", 5);

        if (ctx.env().firstStartMillis() > 0) r.metric("first_start_without_cds_archive", ctx.env().firstStartMillis(), "ms");

        // The data dir (and database) that the "existing" runs restart on; primed by one start.
        Path existingDir = ctx.tempDir().resolve("data");
        ServerProcess.Spec existing = ctx.freshSpec().withDataDir(existingDir);
        once(ctx, existing, null, null);

        LatencyRecorder fresh = new LatencyRecorder(), again = new LatencyRecorder();
        LatencyRecorder freshInternal = new LatencyRecorder(), againInternal = new LatencyRecorder();
        LatencyRecorder freshCpu = new LatencyRecorder(), againCpu = new LatencyRecorder();
        for (int i = 0; i < runs; i++) {
            long f = once(ctx, ctx.freshSpec(), freshInternal, freshCpu);
            long e = once(ctx, existing, againInternal, againCpu);
            fresh.record(f);
            again.record(e);
            Log.info("startup run " + (i + 1) + "/" + runs + ": fresh " + f / 1_000_000 + " ms, existing " + e / 1_000_000 + " ms");
        }
        add(r, "fresh", fresh.snapshot(), freshInternal.snapshot(), freshCpu.snapshot());
        add(r, "existing", again.snapshot(), againInternal.snapshot(), againCpu.snapshot());
        r.note("server_log_ms: the server's own 'started in' figure (from main, after JVM boot); "
                + "cpu_ms: CPU time (user+sys, all threads) the server used until ready, steadier than wall time on a busy machine");
        return r;
    }

    private static void add(Result r, String kind, LatencyRecorder.Snapshot s, LatencyRecorder.Snapshot internal,
                            LatencyRecorder.Snapshot cpu) {
        r.metric(kind + ".median", s.medianMs(), "ms", TARGET_MS, SYNAPSE_MS);
        r.metric(kind + ".min", s.minMs(), "ms");
        r.metric(kind + ".max", s.maxMs(), "ms");
        if (internal.count() > 0) r.metric(kind + ".server_log_ms.median", internal.medianMs(), "ms");
        if (cpu.count() > 0) r.metric(kind + ".cpu_ms.median", cpu.medianMs(), "ms");
    }

    /** Starts, waits for /versions, stops; returns nanoseconds to ready. */
    private static long once(Context ctx, ServerProcess.Spec spec, LatencyRecorder internal, LatencyRecorder cpu)
            throws IOException, InterruptedException {
        ServerProcess s = ctx.launch(spec);
        try {
            long nanos = s.awaitReady(60_000, 5);
            long cpuMs = s.cpuMillis();
            if (cpu != null && cpuMs >= 0) cpu.record(cpuMs * 1_000_000);
            if (internal != null) {
                Matcher m = STARTED_IN.matcher(logText(s));
                if (m.find()) internal.record(Long.parseLong(m.group(1)) * 1_000_000);
            }
            return nanos;
        } finally {
            s.close();
            Thread.sleep(300);
        }
    }

    private static String logText(ServerProcess s) throws IOException, InterruptedException {
        // The line is logged just before the port answers or just after; give it a moment.
        for (int i = 0; i < 50; i++) {
            String text = Files.readString(s.logFile());
            if (STARTED_IN.matcher(text).find()) return text;
            Thread.sleep(20);
        }
        return "";
    }
}
