package org.myelin.storage;

import org.myelin.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Schema migrations, applied at start-up in order, each in its own transaction, and recorded by
 * name. Recording names (not a count) keeps databases correct when migrations developed in
 * parallel land in a different order than they were numbered. A database that has applied a
 * migration this code does not know is refused: it was written by a newer Myelin, and running old
 * code on it could silently corrupt data the new code depends on.
 */
public final class Migrations {
    /** Every migration, in the order a fresh database applies them; names are db/migrations/NAME.sql. */
    static final List<String> ALL = List.of("0001_accounts", "0002_rooms", "0003_filters", "0004_user_data", "0005_devices", "0006_small_modules");

    private Migrations() {}

    static void apply(Database db) {
        db.write(c -> {
            if (db.dialect() == Dialect.POSTGRES) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(4242001)");
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_ts BIGINT NOT NULL)");
            }
            Set<String> applied = new HashSet<>(Sql.list(c, "SELECT name FROM schema_migrations", rs -> rs.getString(1)));
            for (String name : applied) {
                if (!ALL.contains(name)) {
                    throw new ConfigException("the database has schema migration " + name
                            + " that this Myelin does not know: it was upgraded by a newer Myelin; run that version or restore a backup");
                }
            }
            for (String name : ALL) {
                if (applied.contains(name)) continue;
                run(c, db.dialect(), name);
                Sql.update(c, "INSERT INTO schema_migrations (name, applied_ts) VALUES (?, ?)", name, System.currentTimeMillis());
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
