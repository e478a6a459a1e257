package org.myelin.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh PostgreSQL databases for benchmark servers, on the local server only
 * (postgres@127.0.0.1:5432, trust auth), created and dropped with psql.
 */
public final class Postgres {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 5432;
    private static final String USER = "postgres";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    private Postgres() {}

    /** Creates an empty database with a unique name and returns that name. */
    public static String createDatabase() throws IOException, InterruptedException {
        String name = "myelin_bench_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        psql("CREATE DATABASE " + name);
        LIVE.add(name);
        return name;
    }

    public static void dropDatabase(String name) {
        try {
            psql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (IOException | InterruptedException | RuntimeException e) {
            Log.info("could not drop database " + name + ": " + e.getMessage());
        }
        LIVE.remove(name);
    }

    /** Drops every database this process created and has not dropped yet (used on exit). */
    public static void dropAll() {
        for (String name : Set.copyOf(LIVE)) dropDatabase(name);
    }

    public static String url(String name) {
        return "postgresql://" + USER + "@" + HOST + ":" + PORT + "/" + name;
    }

    private static void psql(String sql) throws IOException, InterruptedException {
        Env.Exec.Output out = Env.Exec.run(Path.of("."), Map.of(), 60,
                "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", USER, "-h", HOST, "-p", Integer.toString(PORT),
                "-d", "postgres", "-c", sql);
        if (out.exitCode() != 0) throw new IOException("psql failed: " + sql + ": " + out.text().strip());
    }
}
