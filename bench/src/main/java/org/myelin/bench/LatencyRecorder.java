package org.myelin.bench;

import java.util.Arrays;

/**
 * Stores every latency sample (nanoseconds) and computes exact percentiles over them. Thread-safe;
 * recording is a short synchronized append, cheap next to an HTTP round trip. Memory is 8 bytes a
 * sample, so a run of a few million requests is fine; scenarios are bounded in time anyway.
 */
public final class LatencyRecorder {
    private long[] samples = new long[1024];
    private int count;

    public synchronized void record(long nanos) {
        if (count == samples.length) samples = Arrays.copyOf(samples, samples.length * 2);
        samples[count++] = nanos;
    }

    /** Records the time since {@code startNanos} (a {@link System#nanoTime()} value). */
    public void recordSince(long startNanos) {
        record(System.nanoTime() - startNanos);
    }

    public synchronized void addAll(LatencyRecorder other) {
        long[] o;
        int n;
        synchronized (other) {
            o = other.samples;
            n = other.count;
        }
        for (int i = 0; i < n; i++) record(o[i]);
    }

    public synchronized int count() { return count; }

    /** An immutable, sorted copy of the samples for computing statistics. */
    public synchronized Snapshot snapshot() {
        long[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        return new Snapshot(s);
    }

    public static final class Snapshot {
        private final long[] sorted;

        Snapshot(long[] sorted) { this.sorted = sorted; }

        public int count() { return sorted.length; }

        /** Nearest-rank percentile in nanoseconds (p in 0..100); NaN when empty. */
        public double percentileNanos(double p) {
            if (sorted.length == 0) return Double.NaN;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        public double percentileMs(double p) { return percentileNanos(p) / 1e6; }

        public double medianMs() { return percentileMs(50); }

        public double minMs() { return sorted.length == 0 ? Double.NaN : sorted[0] / 1e6; }

        public double maxMs() { return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6; }

        public double meanMs() {
            if (sorted.length == 0) return Double.NaN;
            double sum = 0;
            for (long v : sorted) sum += v;
            return sum / sorted.length / 1e6;
        }
    }
}
