package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.ReceiptStore;
import org.myelin.storage.Sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

public final class JdbcReceiptStore implements ReceiptStore {
    /** Rooms per query when loading many rooms at once (bind parameter limits of both backends allow far more). */
    private static final int CHUNK = 500;

    private final Database db;

    public JdbcReceiptStore(Database db) { this.db = db; }

    @Override
    public List<Row> inRooms(Collection<String> roomIds) {
        List<String> ids = new ArrayList<>(roomIds);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            List<String> part = ids.subList(i, Math.min(ids.size(), i + CHUNK));
            String sql = "SELECT room_id, user_id, receipt_type, thread_id, event_id, event_nid, ts, stream_id FROM receipts "
                    + "WHERE room_id IN (" + "?,".repeat(part.size() - 1) + "?)";
            out.addAll(db.read(c -> Sql.list(c, sql, rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)), part.toArray())));
        }
        return out;
    }

    @Override
    public boolean put(Row r) {
        // The WHERE keeps a receipt from moving backwards even if two writers raced past the
        // in-memory check (e.g. several instances on one database).
        return db.write(c -> Sql.update(c, "INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, event_nid, "
                + "ts, stream_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE SET "
                + "event_id = excluded.event_id, event_nid = excluded.event_nid, ts = excluded.ts, stream_id = excluded.stream_id "
                + "WHERE receipts.event_nid < excluded.event_nid",
                r.roomId(), r.userId(), r.receiptType(), r.threadId(), r.eventId(), r.eventNid(), r.ts(), r.streamId())) > 0;
    }

    @Override
    public long maxStreamId() {
        return db.read(c -> Sql.longValue(c, "SELECT COALESCE(MAX(stream_id), 0) FROM receipts"));
    }
}
