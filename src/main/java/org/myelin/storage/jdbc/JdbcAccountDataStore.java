package org.myelin.storage.jdbc;

import org.myelin.storage.AccountDataStore;
import org.myelin.storage.Database;
import org.myelin.storage.Sql;

import java.util.List;

public final class JdbcAccountDataStore implements AccountDataStore {
    private final Database db;

    public JdbcAccountDataStore(Database db) { this.db = db; }

    @Override
    public List<Row> all(String userId) {
        return db.read(c -> Sql.list(c, "SELECT room_id, type, content, stream_id FROM account_data WHERE user_id = ?",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), userId));
    }

    @Override
    public void put(String userId, String roomId, String type, String content, long streamId) {
        db.write(c -> Sql.update(c, "INSERT INTO account_data (user_id, room_id, type, content, stream_id) VALUES (?,?,?,?,?) "
                + "ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream_id = excluded.stream_id",
                userId, roomId, type, content, streamId));
    }

    @Override
    public long maxStreamId() {
        return db.read(c -> Sql.longValue(c, "SELECT COALESCE(MAX(stream_id), 0) FROM account_data"));
    }
}
