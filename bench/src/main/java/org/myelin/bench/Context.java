package org.myelin.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a running scenario sees: the environment, the database kind, its options, and server
 * start-up helpers. Every server and PostgreSQL database made through it is stopped / dropped
 * when the scenario ends ({@link #close}).
 */
public final class Context implements AutoCloseable {
    public enum Db {
        SQLITE, POSTGRES;

        public String label() { return name().toLowerCase(); }
    }

    private final Env env;
    private final Db db;
    private final Scenario scenario;
    private final Map<String, String> options;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private final List<Path> tempDirs = new ArrayList<>();

    Context(Env env, Db db, Scenario scenario, Map<String, String> options) {
        this.env = env;
        this.db = db;
        this.scenario = scenario;
        this.options = options;
    }

    public Env env() { return env; }

    public Db db() { return db; }

    public Result newResult() { return new Result(scenario.name(), db.label()); }

    /** A server spec with fresh storage: a new temporary data dir, and on PostgreSQL a new database. */
    public ServerProcess.Spec freshSpec() throws IOException, InterruptedException {
        return ServerProcess.Spec.fresh(db == Db.POSTGRES ? newDatabase() : null);
    }

    /** Creates an empty PostgreSQL database, dropped when the scenario ends. */
    public String newDatabase() throws IOException, InterruptedException {
        String name = Postgres.createDatabase();
        databases.add(name);
        return name;
    }

    /** A temporary directory (e.g. a data dir shared by several server runs), deleted when the scenario ends. */
    public Path tempDir() throws IOException {
        Path d = Files.createTempDirectory("myelin-bench-dir-");
        tempDirs.add(d);
        return d;
    }

    /** Starts a server (not waiting for it); it is stopped when the scenario ends, if not before. */
    public ServerProcess launch(ServerProcess.Spec spec) throws IOException {
        ServerProcess s = ServerProcess.start(env, spec);
        servers.add(s);
        return s;
    }

    /** Starts a server and waits until /versions answers (60 s at most). */
    public ServerProcess startServer(ServerProcess.Spec spec) throws IOException, InterruptedException {
        ServerProcess s = launch(spec);
        long nanos = s.awaitReady(60_000, 10);
        Log.info("server pid " + s.pid() + " ready on port " + s.port() + " in " + nanos / 1_000_000 + " ms");
        return s;
    }

    public String option(String name) {
        String v = options.get(name);
        if (v != null) return v;
        for (Scenario.Option o : scenario.options()) if (o.name().equals(name)) return o.defaultValue();
        throw new IllegalArgumentException("scenario " + scenario.name() + " declares no option --" + name);
    }

    public int intOption(String name) {
        String v = option(name);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a positive integer, got '" + v + "'");
        }
    }

    /** A duration such as 10s, 500ms, 2m, or a plain number of seconds. */
    public Duration durationOption(String name) {
        String v = option(name).strip().toLowerCase();
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            if (v.endsWith("m")) return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a duration: '" + v + "' (e.g. 10s, 500ms)");
        }
    }

    @Override
    public void close() {
        for (ServerProcess s : servers) {
            try {
                s.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        for (String d : databases) Postgres.dropDatabase(d);
        databases.clear();
        for (Path d : tempDirs) ServerProcess.deleteTree(d);
        tempDirs.clear();
    }
}
