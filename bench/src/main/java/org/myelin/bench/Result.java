package org.myelin.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures one scenario produced: named metrics (with optional targets), parameters and notes. */
public final class Result {
    /**
     * One figure. {@code target} is the goal (lower is better unless {@code higherIsBetter}),
     * {@code reference} a comparison figure (e.g. Synapse on this machine); both may be null.
     */
    public record Metric(String name, double value, String unit, Double target, boolean higherIsBetter, Double reference) {
        /** value / target, or null without a target. Below 1 meets a lower-is-better target. */
        public Double ratio() { return target == null || target == 0 ? null : value / target; }

        public Boolean met() {
            if (target == null) return null;
            return higherIsBetter ? value >= target : value <= target;
        }
    }

    private final String scenario;
    private final String db;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<Metric> metrics = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Result(String scenario, String db) {
        this.scenario = scenario;
        this.db = db;
    }

    public Result param(String name, Object value) {
        params.put(name, value);
        return this;
    }

    public Result metric(String name, double value, String unit) {
        metrics.add(new Metric(name, value, unit, null, false, null));
        return this;
    }

    /** A lower-is-better figure with a target and an optional reference figure. */
    public Result metric(String name, double value, String unit, Double target, Double reference) {
        metrics.add(new Metric(name, value, unit, target, false, reference));
        return this;
    }

    /** A higher-is-better figure (throughput) with a target. */
    public Result throughput(String name, double value, String unit, Double target) {
        metrics.add(new Metric(name, value, unit, target, true, null));
        return this;
    }

    /** p50/p90/p99/max (ms) and the sample count of a latency snapshot, named prefix.p50 etc. */
    public Result latencies(String prefix, LatencyRecorder.Snapshot s, Double p50Target, Double p99Target) {
        metric(prefix + ".p50", s.percentileMs(50), "ms", p50Target, null);
        metric(prefix + ".p90", s.percentileMs(90), "ms");
        metric(prefix + ".p99", s.percentileMs(99), "ms", p99Target, null);
        metric(prefix + ".max", s.maxMs(), "ms");
        metric(prefix + ".samples", s.count(), "");
        return this;
    }

    public Result note(String note) {
        notes.add(note);
        return this;
    }

    public String scenario() { return scenario; }

    public String db() { return db; }

    public Map<String, Object> params() { return params; }

    public List<Metric> metrics() { return metrics; }

    public List<String> notes() { return notes; }
}
