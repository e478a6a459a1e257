package org.myelin.bench.scenarios;

import org.myelin.bench.Log;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;
import org.myelin.bench.Result;
import org.myelin.bench.ServerProcess;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Set-up helpers shared by the room, sync and ephemeral scenarios: many users, rooms, joins, counters. */
final class Fixtures {
    static final String CLIENT = "/_matrix/client/v3";
    static final Map<String, Object> PUBLIC_ROOM = Map.of("preset", "public_chat");

    private Fixtures() {}

    @FunctionalInterface
    interface Task {
        void run(int i) throws Exception;
    }

    /** Runs task(0..n-1) on {@code concurrency} virtual threads; the first failure stops the rest and is rethrown. */
    static void parallel(int n, int concurrency, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.min(n, concurrency); t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        task.run(i);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        if (failure.get() != null) throw failure.get();
    }

    /** n users named prefix0..prefix{n-1}, registered without passwords (no Argon2 hash), 32 at a time. */
    static List<User> users(MatrixClient c, String prefix, int n) throws Exception {
        long t0 = System.nanoTime();
        User[] out = new User[n];
        parallel(n, 32, i -> out[i] = c.registerWithoutPassword(prefix + i));
        if (n >= 100) Log.info("registered " + n + " users in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return Arrays.asList(out);
    }

    /** Joins every user to the room (public rooms), {@code concurrency} at a time (they serialize on the room anyway). */
    static void joinAll(MatrixClient c, List<User> users, String roomId, int concurrency) throws Exception {
        parallel(users.size(), concurrency, i -> c.join(users.get(i), roomId));
    }

    /** The server's SQL statement counter (myelin_db_statements_total). */
    static long statements(MatrixClient c) throws Exception {
        double v = c.metric("myelin_db_statements_total");
        if (Double.isNaN(v)) throw new IllegalStateException("the server reports no myelin_db_statements_total");
        return (long) v;
    }

    /** CPU time this (load generator) process has used, in ms. */
    static long benchCpuMillis() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime() / 1_000_000;
        return -1;
    }

    /** Lines of the server's log containing needle (e.g. OutOfMemoryError), or -1 if unreadable. */
    static long logLines(ServerProcess server, String needle) {
        try (var lines = java.nio.file.Files.lines(server.logFile())) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** Records server-side failures seen in its log: internal errors (500) and out-of-memory errors. */
    static void serverErrors(Result r, ServerProcess server) {
        r.metric("server_internal_errors", logLines(server, "internal error"), "");
        r.metric("server_out_of_memory_errors", logLines(server, "OutOfMemoryError"), "");
    }

    static String sendPath(String roomId, String txnId) {
        return CLIENT + "/rooms/" + MatrixClient.enc(roomId) + "/send/m.room.message/" + txnId;
    }

    static Map<String, Object> text(String body) {
        return Map.of("msgtype", "m.text", "body", body);
    }

    /** Records the server's and the load generator's CPU use over a phase, per operation. */
    static final class CpuMeter {
        private final ServerProcess server;
        private final long server0;
        private final long bench0;
        private final long wall0 = System.nanoTime();

        CpuMeter(ServerProcess server) {
            this.server = server;
            this.server0 = server.cpuMillis();
            this.bench0 = benchCpuMillis();
        }

        /** Adds prefix.server_cpu_ms_per_op, prefix.bench_cpu_ms_per_op and the server's CPU utilisation (cores). */
        void report(Result r, String prefix, long ops) {
            double wallMs = (System.nanoTime() - wall0) / 1e6;
            long s = server.cpuMillis() - server0;
            long b = benchCpuMillis() - bench0;
            if (ops > 0) {
                r.metric(prefix + "server_cpu_ms_per_op", (double) s / ops, "ms");
                r.metric(prefix + "bench_cpu_ms_per_op", (double) b / ops, "ms");
            }
            r.metric(prefix + "server_cpu_cores", s / wallMs, "cores");
            r.metric(prefix + "bench_cpu_cores", b / wallMs, "cores");
        }
    }
}
