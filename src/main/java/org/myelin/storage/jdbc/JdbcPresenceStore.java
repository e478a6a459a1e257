package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.PresenceStore;
import org.myelin.storage.Sql;

import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

public final class JdbcPresenceStore implements PresenceStore {
    private final Database db;

    public JdbcPresenceStore(Database db) { this.db = db; }

    @Override
    public List<Row> all() {
        return db.read(c -> Sql.list(c, "SELECT user_id, status_msg, last_active_ts FROM presence",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3))));
    }

    @Override
    public Optional<Row> get(String userId) {
        return db.read(c -> Sql.one(c, "SELECT user_id, status_msg, last_active_ts FROM presence WHERE user_id = ?",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3)), userId));
    }

    @Override
    public void save(Collection<Row> rows) {
        if (rows.isEmpty()) return;
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO presence (user_id, status_msg, last_active_ts) VALUES (?,?,?) "
                    + "ON CONFLICT (user_id) DO UPDATE SET status_msg = excluded.status_msg, last_active_ts = excluded.last_active_ts")) {
                for (Row r : rows) {
                    Sql.bind(ps, r.userId(), r.statusMsg(), r.lastActiveTs());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
