package org.myelin.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Load shapes. Every run ends by itself: workers stop starting operations at the deadline. */
public final class Load {
    private Load() {}

    /** One operation of worker {@code worker} (0-based); {@code iteration} counts that worker's operations. */
    @FunctionalInterface
    public interface Op {
        void run(int worker, long iteration) throws Exception;
    }

    /**
     * @param latency     of operations that started inside the measured window
     * @param completed   operations that succeeded and finished inside the measured window
     * @param errors      operations that failed inside the measured window
     */
    public record Outcome(LatencyRecorder.Snapshot latency, long completed, long errors, double seconds, List<String> errorSamples) {
        public double perSecond() { return completed / seconds; }
    }

    /**
     * Closed loop: {@code workers} virtual threads each run {@code op} back to back, for
     * {@code warmup} (not recorded) and then {@code duration} (recorded).
     */
    public static Outcome closedLoop(int workers, Duration warmup, Duration duration, Op op) throws InterruptedException {
        long t0 = System.nanoTime();
        long measureFrom = t0 + warmup.toNanos();
        long measureTo = measureFrom + duration.toNanos();
        LatencyRecorder latency = new LatencyRecorder();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofVirtual().name("load-" + w).start(() -> {
                for (long i = 0; ; i++) {
                    long start = System.nanoTime();
                    if (start >= measureTo) return;
                    boolean ok;
                    try {
                        op.run(worker, i);
                        ok = true;
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        ok = false;
                        if (errorSamples.size() < 5) errorSamples.add(e.toString());
                    }
                    long end = System.nanoTime();
                    if (start >= measureFrom) {
                        if (ok) latency.record(end - start);
                    }
                    if (end >= measureFrom && end <= measureTo) (ok ? completed : errors).incrementAndGet();
                }
            }));
        }
        long graceNanos = TimeUnit.SECONDS.toNanos(120);
        for (Thread t : threads) {
            long left = measureTo + graceNanos - System.nanoTime();
            if (left > 0) t.join(Duration.ofNanos(left));
            if (t.isAlive()) t.interrupt();
        }
        return new Outcome(latency.snapshot(), completed.get(), errors.get(), duration.toNanos() / 1e9, List.copyOf(errorSamples));
    }
}
