package org.myelin.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Myelin server started for one scenario: {@code java <launcher flags> -jar target/myelin.jar
 * serve --config <temp config>} listening on a free port of 127.0.0.1, with a temporary data dir
 * (or a given one), open registration, no rate limiting and a registration shared secret.
 * Its output goes to {@code server.log} in the run directory.
 */
public final class ServerProcess implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    public static final String SERVER_NAME = "bench.localhost";
    public static final String SHARED_SECRET = "myelin-bench-shared-secret";
    private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();

    /** What to start. {@code dataDir} null: a fresh temporary one. {@code pgDatabase} null: SQLite. */
    public record Spec(Path dataDir, String pgDatabase, boolean requestLog, String extraYaml) {
        public static Spec fresh(String pgDatabase) {
            return new Spec(null, pgDatabase, true, "");
        }

        public Spec withDataDir(Path dir) { return new Spec(dir, pgDatabase, requestLog, extraYaml); }

        public Spec withRequestLog(boolean on) { return new Spec(dataDir, pgDatabase, on, extraYaml); }

        public Spec withExtraYaml(String yaml) { return new Spec(dataDir, pgDatabase, requestLog, yaml); }
    }

    private final Process process;
    private final long startNanos;
    private final int port;
    private final Path runDir;
    private final Path dataDir;
    private final Path logFile;

    private ServerProcess(Process process, long startNanos, int port, Path runDir, Path dataDir, Path logFile) {
        this.process = process;
        this.startNanos = startNanos;
        this.port = port;
        this.runDir = runDir;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    /** Starts the process and returns at once; call {@link #awaitReady} next. */
    public static ServerProcess start(Env env, Spec spec) throws IOException {
        Path runDir = Files.createTempDirectory("myelin-bench-");
        Path dataDir = spec.dataDir() != null ? spec.dataDir() : runDir.resolve("data");
        int port = freePort();
        Path config = runDir.resolve("config.yaml");
        StringBuilder yaml = new StringBuilder()
                .append("server_name: ").append(SERVER_NAME).append('\n')
                .append("listen: ").append(HOST).append(':').append(port).append('\n')
                .append("data_dir: \"").append(dataDir.toAbsolutePath()).append("\"\n");
        if (spec.pgDatabase() != null) yaml.append("database: ").append(Postgres.url(spec.pgDatabase())).append('\n');
        yaml.append("registration:\n  enabled: true\n")
                .append("registration_shared_secret: \"").append(SHARED_SECRET).append("\"\n")
                .append("rate_limiting:\n  enabled: false\n")
                .append("log:\n  requests: ").append(spec.requestLog()).append('\n')
                .append(spec.extraYaml());
        Files.writeString(config, yaml);

        List<String> cmd = new ArrayList<>();
        cmd.add(env.java().toString());
        cmd.addAll(env.jvmFlags());
        cmd.addAll(List.of("-jar", env.serverJar().toString(), "serve", "--config", config.toString()));
        Path log = runDir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        ServerProcess s = new ServerProcess(p, t0, port, runDir, dataDir, log);
        LIVE.add(s);
        return s;
    }

    /**
     * Polls until GET /_matrix/client/versions answers 200 and returns the nanoseconds since the
     * process was started. A plain TCP connect is tried every {@code pollMillis} first (cheap while
     * the port is closed), then one HTTP request. Fails if the process exits or the time runs out.
     */
    public long awaitReady(long timeoutMillis, long pollMillis) throws IOException, InterruptedException {
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server exited with code " + process.exitValue() + " before it was ready:\n" + logTail(20));
            }
            if (versionsOk()) return System.nanoTime() - startNanos;
            Thread.sleep(pollMillis);
        }
        throw new IOException("server not ready after " + timeoutMillis + " ms:\n" + logTail(20));
    }

    /** One GET /versions over a raw socket; true on HTTP 200. Avoids HTTP client start-up costs in the timing. */
    private boolean versionsOk() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /_matrix/client/versions HTTP/1.1\r\nHost: " + HOST + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[12];
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
            return n == 12 && new String(buf, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() { return port; }

    public long pid() { return process.pid(); }

    public Path dataDir() { return dataDir; }

    public Path logFile() { return logFile; }

    /** A client for this server (127.0.0.1 only). */
    public MatrixClient client() { return new MatrixClient(port); }

    /**
     * CPU time (user + system, all threads) the server has used so far, in milliseconds, from
     * /proc/PID/stat (clock-tick resolution, usually 10 ms), or -1. Less sensitive than wall time
     * to other load on the machine.
     */
    public long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0]; utime and stime are fields 14 and 15 of the full line
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    /** Resident set size in KiB (VmRSS from /proc), or -1 when unavailable. */
    public long rssKb() { return procStatusKb("VmRSS:"); }

    /** Peak resident set size in KiB (VmHWM). */
    public long peakRssKb() { return procStatusKb("VmHWM:"); }

    private long procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
            }
        } catch (IOException | NumberFormatException ignored) {
            // process gone
        }
        return -1;
    }

    /** SIGTERM, then up to 30 s for a graceful exit, then SIGKILL. Returns the exit code. */
    public int stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                Log.info("server pid " + process.pid() + " did not stop within 30 s; killing it");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        LIVE.remove(this);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Stops the server and deletes its run directory (and the data dir if it lives there). */
    @Override
    public void close() throws InterruptedException {
        stop();
        deleteTree(runDir);
    }

    /** Kills every server still running (used when the bench itself is interrupted). */
    public static void killAll() {
        for (ServerProcess s : Set.copyOf(LIVE)) {
            s.process.destroyForcibly();
            LIVE.remove(s);
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
