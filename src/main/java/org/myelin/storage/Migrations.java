package org.myelin.storage;

import org.myelin.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema migrations, applied at start-up in order, each in its own transaction. A
 * database whose schema is newer than this code is refused: running old code on it could
 * silently corrupt data the new code depends on.
 */
public final class Migrations {
    /** Append only. The n-th entry is schema version n+1, read from db/migrations/NAME.sql. */
    static final List<String> ALL = List.of("0001_accounts", "0002_rooms", "0003_filters", "0006_small_modules");

    private Migrations() {}

    public static int latest() { return ALL.size(); }

    static void apply(Database db) {
        db.write(c -> {
            if (db.dialect() == Dialect.POSTGRES) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(4242001)");
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            }
            long current = Sql.longValue(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
            if (current > ALL.size()) {
                throw new ConfigException("database schema version " + current + " is newer than this Myelin supports ("
                        + ALL.size() + "); run a newer Myelin or restore a backup");
            }
            for (int v = (int) current + 1; v <= ALL.size(); v++) {
                run(c, db.dialect(), ALL.get(v - 1));
                Sql.update(c, "DELETE FROM schema_version");
                Sql.update(c, "INSERT INTO schema_version (version) VALUES (?)", v);
            }
            return null;
        });
    }

    private static void run(Connection c, Dialect dialect, String name) throws SQLException {
        String sql;
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migrations/" + name + ".sql")) {
            if (in == null) throw new IllegalStateException("missing migration " + name);
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + name, e);
        }
        try (Statement st = c.createStatement()) {
            for (String stmt : dialect.expand(sql).split(";\\s*\\n")) {
                String s = stripComments(stmt).trim();
                if (!s.isEmpty()) st.execute(s);
            }
        }
    }

    private static String stripComments(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n")) {
            if (!line.trim().startsWith("--")) b.append(line).append('\n');
        }
        return b.toString();
    }
}
