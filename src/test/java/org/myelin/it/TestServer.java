package org.myelin.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.Myelin;
import org.myelin.cli.Logging;
import org.myelin.config.Config;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Starts real Myelin servers on free ports for integration tests. The backend is chosen by the
 * system property myelin.test.db (sqlite, the default, or postgres); the PostgreSQL database
 * (env MYELIN_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/myelin_test) is dropped
 * and recreated once per test JVM, so every run starts clean.
 */
public final class TestServer {
    public static final String SHARED_SECRET = "test-shared-secret";
    public static final String SERVER_NAME = "test.myelin";
    private static Myelin shared;
    private static int pgCounter;

    private TestServer() {}

    /** The server most tests share (open registration, guests, generous rate limits). */
    public static synchronized Myelin shared() {
        if (shared == null) {
            shared = start(cfg -> {});
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    shared.close();
                } catch (Exception ignored) {
                }
            }));
        }
        return shared;
    }

    public static boolean postgres() { return "postgres".equals(System.getProperty("myelin.test.db", "sqlite")); }

    /** Starts a fresh server with its own data dir/database; tweak adjusts the config tree. */
    public static synchronized Myelin start(Consumer<ObjectNode> tweak) {
        try {
            Logging.init(System.getProperty("myelin.test.log", "warn"));
            Path dir = Files.createTempDirectory("myelin-test");
            ObjectNode cfg = Json.object();
            cfg.put("server_name", SERVER_NAME);
            cfg.put("listen", "127.0.0.1:0");
            cfg.put("data_dir", dir.toString());
            cfg.put("registration_shared_secret", SHARED_SECRET);
            ObjectNode reg = cfg.putObject("registration");
            reg.put("enabled", true);
            reg.put("allow_guests", true);
            ObjectNode rl = cfg.putObject("rate_limiting");
            rl.put("enabled", true);
            for (String k : new String[] {"login", "register", "message", "general"}) {
                ObjectNode b = rl.putObject(k);
                b.put("per_second", 10_000);
                b.put("burst", 10_000);
            }
            cfg.putObject("log").put("requests", false);
            if (postgres()) cfg.put("database", freshPostgres());
            tweak.accept(cfg);
            Config config = ConfigLoader.fromTree(cfg);
            return Myelin.start(config);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start test server", e);
        }
    }

    private static String freshPostgres() throws Exception {
        String base = System.getenv().getOrDefault("MYELIN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/myelin_test");
        String name = base.substring(base.lastIndexOf('/') + 1) + (pgCounter++ == 0 ? "" : "_" + pgCounter);
        String server = base.substring(0, base.lastIndexOf('/'));
        String hostPart = server.substring(server.indexOf('@') + 1);
        String user = server.substring(server.indexOf("//") + 2, server.indexOf('@'));
        Properties p = new Properties();
        p.setProperty("user", user);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + hostPart + "/postgres", p);
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name);
        }
        return server + "/" + name;
    }
}
