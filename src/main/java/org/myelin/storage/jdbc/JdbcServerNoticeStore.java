package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.ServerNoticeStore;
import org.myelin.storage.Sql;

import java.util.Optional;

public final class JdbcServerNoticeStore implements ServerNoticeStore {
    private final Database db;

    public JdbcServerNoticeStore(Database db) { this.db = db; }

    @Override
    public Optional<String> roomOf(String userId) {
        return db.read(c -> Sql.one(c, "SELECT room_id FROM server_notice_rooms WHERE user_id = ?", rs -> rs.getString(1), userId));
    }

    @Override
    public Optional<String> userOf(String roomId) {
        return db.read(c -> Sql.one(c, "SELECT user_id FROM server_notice_rooms WHERE room_id = ?", rs -> rs.getString(1), roomId));
    }

    @Override
    public void setRoom(String userId, String roomId) {
        db.write(c -> Sql.update(c, "INSERT INTO server_notice_rooms (user_id, room_id) VALUES (?,?) "
                + "ON CONFLICT (user_id) DO UPDATE SET room_id = excluded.room_id", userId, roomId));
    }
}
