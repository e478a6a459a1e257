package org.myelin.bench.scenarios;

import org.myelin.bench.Context;
import org.myelin.bench.LatencyRecorder;
import org.myelin.bench.Log;
import org.myelin.bench.Result;
import org.myelin.bench.Scenario;
import org.myelin.bench.ServerProcess;

import java.util.List;

/** Resident memory (VmRSS) of an idle server a few seconds after start-up, default config. */
public final class IdleRss implements Scenario {
    static final double TARGET_MB = 100;
    static final double SYNAPSE_MB = 107;

    @Override
    public String name() { return "idle-rss"; }

    @Override
    public String description() { return "VmRSS of an idle server --wait after start-up (target < 100 MB)"; }

    @Override
    public List<Option> options() {
        return List.of(new Option("runs", "3", "servers started, one after another"),
                new Option("wait", "5s", "idle time after the first 200 from /versions"));
    }

    @Override
    public Result run(Context ctx) throws Exception {
        int runs = ctx.intOption("runs");
        long waitMs = ctx.durationOption("wait").toMillis();
        Result r = ctx.newResult().param("runs", runs).param("wait_ms", waitMs);
        // Samples are KiB here (the recorder is unit-agnostic); reported in MB (MiB).
        LatencyRecorder rss = new LatencyRecorder(), peak = new LatencyRecorder();
        for (int i = 0; i < runs; i++) {
            ServerProcess s = ctx.startServer(ctx.freshSpec());
            Thread.sleep(waitMs);
            long kb = s.rssKb();
            long hwm = s.peakRssKb();
            Log.info("idle RSS run " + (i + 1) + "/" + runs + ": " + kb / 1024 + " MB (peak " + hwm / 1024 + " MB)");
            rss.record(kb);
            peak.record(hwm);
            s.close();
        }
        var a = rss.snapshot();
        var b = peak.snapshot();
        r.metric("rss.median", mb(a.percentileNanos(50)), "MB", TARGET_MB, SYNAPSE_MB);
        r.metric("rss.min", mb(a.percentileNanos(0)), "MB");
        r.metric("rss.max", mb(a.percentileNanos(100)), "MB");
        r.metric("peak_rss.median", mb(b.percentileNanos(50)), "MB");
        r.note("MB = MiB (VmRSS / 1024); peak = VmHWM");
        return r;
    }

    private static double mb(double kb) { return kb / 1024.0; }
}
