package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.FilterStore;
import org.myelin.storage.Sql;

import java.util.Optional;
import java.util.regex.Pattern;

public final class JdbcFilterStore implements FilterStore {
    /** Decimal IDs as this store allocates them; anything else cannot name a filter. */
    private static final Pattern ID = Pattern.compile("^(0|[1-9][0-9]{0,17})$");

    private final Database db;

    public JdbcFilterStore(Database db) { this.db = db; }

    @Override
    public String create(String userId, String json) {
        return db.write(c -> {
            Optional<Long> existing = Sql.one(c, "SELECT filter_id FROM filters WHERE user_id = ? AND json = ? "
                    + "ORDER BY filter_id LIMIT 1", rs -> rs.getLong(1), userId, json);
            if (existing.isPresent()) return Long.toString(existing.get());
            // On PostgreSQL two uploads of one user may race for the same next ID: the loser's
            // insert does nothing (after waiting for the winner's commit) and it tries the next ID.
            while (true) {
                long next = Sql.longValue(c, "SELECT COALESCE(MAX(filter_id), -1) + 1 FROM filters WHERE user_id = ?", userId);
                int n = Sql.update(c, "INSERT INTO filters (user_id, filter_id, json) VALUES (?,?,?) "
                        + "ON CONFLICT (user_id, filter_id) DO NOTHING", userId, next, json);
                if (n > 0) return Long.toString(next);
            }
        });
    }

    @Override
    public Optional<String> get(String userId, String filterId) {
        if (filterId == null || !ID.matcher(filterId).matches()) return Optional.empty();
        long id = Long.parseLong(filterId);
        return db.read(c -> Sql.one(c, "SELECT json FROM filters WHERE user_id = ? AND filter_id = ?",
                rs -> rs.getString(1), userId, id));
    }
}
