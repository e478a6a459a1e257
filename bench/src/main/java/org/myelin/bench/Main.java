package org.myelin.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * myelin-bench: runs named scenarios against freshly started local Myelin servers.
 * <pre>
 *   bench/run list
 *   bench/run SCENARIO... | all  [--db sqlite|postgres|sqlite,postgres] [--format table|json|both]
 *             [--json FILE] [--jvm-opt FLAG]... [--no-launcher-flags] [--SCENARIO-OPTION VALUE]...
 * </pre>
 */
public final class Main {
    private static final Set<String> GLOBAL = Set.of("repo", "db", "format", "json", "jvm-opt", "no-launcher-flags");

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> jvmOpts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                names.add(a);
                continue;
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (key.equals("no-launcher-flags") || key.equals("help")) {
                value = "true";
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException("--" + key + " needs a value");
                value = args[++i];
            }
            if (key.equals("jvm-opt")) jvmOpts.add(value);
            else opts.put(key, value);
        }
        if (opts.containsKey("help") || names.isEmpty() || names.contains("list") || names.contains("help")) {
            System.out.print(usage());
            return names.isEmpty() && !opts.containsKey("help") ? 2 : 0;
        }

        List<Scenario> selected = new ArrayList<>();
        for (String n : names) {
            if (n.equals("all")) selected.addAll(Scenarios.ALL);
            else selected.add(Scenarios.byName(n).orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + n + "'; see `bench/run list`")));
        }
        selected = List.copyOf(new LinkedHashSet<>(selected));
        for (String k : opts.keySet()) {
            if (GLOBAL.contains(k)) continue;
            boolean known = selected.stream().anyMatch(s -> s.options().stream().anyMatch(o -> o.name().equals(k)));
            if (!known) throw new IllegalArgumentException("unknown option --" + k + " for " + names + "; see `bench/run list`");
        }
        List<Context.Db> dbs = new ArrayList<>();
        for (String d : opts.getOrDefault("db", "sqlite").split(",")) {
            switch (d.strip()) {
                case "sqlite" -> dbs.add(Context.Db.SQLITE);
                case "postgres", "postgresql" -> dbs.add(Context.Db.POSTGRES);
                default -> throw new IllegalArgumentException("--db: sqlite, postgres or sqlite,postgres; got '" + d + "'");
            }
        }
        String format = opts.getOrDefault("format", "both");
        if (!Set.of("table", "json", "both").contains(format)) throw new IllegalArgumentException("--format: table, json or both");

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerProcess.killAll();
            Postgres.dropAll();
        }, "bench-cleanup"));

        Path repo = Path.of(opts.getOrDefault("repo", "."));
        Env env = Env.discover(repo, jvmOpts, !opts.containsKey("no-launcher-flags"));
        env.ensureServerJar();
        env.snapshotServer();
        env.createCdsArchive();
        Log.info("server JVM flags: " + String.join(" ", env.jvmFlags()));

        List<Result> results = new ArrayList<>();
        for (Context.Db db : dbs) {
            for (Scenario s : selected) {
                Log.info("scenario " + s.name() + " on " + db.label() + " ...");
                long t0 = System.nanoTime();
                String loadBefore = loadAverage();
                try (Context ctx = new Context(env, db, s, opts)) {
                    results.add(s.run(ctx).param("load_avg_before", loadBefore).param("load_avg_after", loadAverage()));
                }
                Log.info("scenario " + s.name() + " on " + db.label() + " done in " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
            }
        }

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("bench", "myelin-bench");
        header.put("finished_at", Instant.now().toString());
        header.put("args", List.of(args));
        header.put("machine", env.describe());
        String json = Report.json(header, results);
        if (!format.equals("json")) System.out.print(Report.table(results));
        if (!format.equals("table")) System.out.println(json);
        if (opts.containsKey("json")) {
            Files.writeString(Path.of(opts.get("json")), json + "\n");
            Log.info("wrote " + opts.get("json"));
        }
        return 0;
    }

    /** The 1, 5 and 15 minute load averages: how busy the (shared) machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("""
                usage: bench/run SCENARIO... | all  [options]
                  --db sqlite|postgres|sqlite,postgres   storage for the servers (default sqlite; PostgreSQL at
                                                         postgres@127.0.0.1:5432, a fresh database per server)
                  --format table|json|both               standard output (default both: table, then JSON)
                  --json FILE                            also write the JSON report to FILE
                  --jvm-opt FLAG                         append a JVM flag to ./myelin's (repeatable)
                  --no-launcher-flags                    do not use ./myelin's JVM flags
                Servers are started from target/myelin.jar on 127.0.0.1 with a temporary config.

                scenarios:
                """);
        for (Scenario s : Scenarios.ALL) {
            sb.append("  ").append(s.name()).append(": ").append(s.description()).append('\n');
            for (Scenario.Option o : s.options()) {
                sb.append("      --").append(o.name()).append(" (default ").append(o.defaultValue()).append(")  ").append(o.help()).append('\n');
            }
        }
        return sb.toString();
    }
}
