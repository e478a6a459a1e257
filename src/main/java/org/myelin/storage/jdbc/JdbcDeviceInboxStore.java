package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.DeviceInboxStore;
import org.myelin.storage.Sql;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

public final class JdbcDeviceInboxStore implements DeviceInboxStore {
    private final Database db;

    public JdbcDeviceInboxStore(Database db) { this.db = db; }

    @Override
    public long maxPosition() {
        return db.read(c -> Math.max(Sql.longValue(c, "SELECT COALESCE(MAX(position), 0) FROM device_inbox_position"),
                Sql.longValue(c, "SELECT COALESCE(MAX(stream_id), 0) FROM device_inbox")));
    }

    @Override
    public List<Queued> enqueue(String senderUserId, String senderDeviceId, String txnId, long now,
                                Map<String, Map<String, String>> recipients, LongSupplier nextId) {
        return db.write(c -> {
            // On PostgreSQL a concurrent retry of the same transaction waits here for the first
            // one to commit, then inserts nothing and is answered as a duplicate.
            int fresh = Sql.update(c, "INSERT INTO to_device_txns (user_id, device_id, txn_id, ts) VALUES (?,?,?,?) "
                    + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING", senderUserId, senderDeviceId, txnId, now);
            if (fresh == 0) return null;
            List<Queued> out = new ArrayList<>();
            List<String> jsons = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> en : recipients.entrySet()) {
                String userId = en.getKey();
                TreeSet<String> existing = new TreeSet<>(Sql.list(c, "SELECT device_id FROM devices WHERE user_id = ?",
                        rs -> rs.getString(1), userId));
                Map<String, String> targets = new LinkedHashMap<>();
                String all = en.getValue().get("*");
                if (all != null) for (String d : existing) targets.put(d, all);
                for (Map.Entry<String, String> m : en.getValue().entrySet()) {
                    if (!m.getKey().equals("*") && existing.contains(m.getKey())) targets.put(m.getKey(), m.getValue());
                }
                for (Map.Entry<String, String> t : targets.entrySet()) {
                    out.add(new Queued(userId, t.getKey(), nextId.getAsLong()));
                    jsons.add(t.getValue());
                }
            }
            if (out.isEmpty()) return out;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO device_inbox (stream_id, user_id, device_id, json) VALUES (?,?,?,?)")) {
                for (int i = 0; i < out.size(); i++) {
                    Queued q = out.get(i);
                    Sql.bind(ps, q.streamId(), q.userId(), q.deviceId(), jsons.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            long max = out.get(out.size() - 1).streamId();
            Sql.update(c, "UPDATE device_inbox_position SET position = ? WHERE position < ?", max, max);
            return out;
        });
    }

    @Override
    public List<Message> pending(String userId, String deviceId, long after, long upto, int limit) {
        return db.read(c -> Sql.list(c, "SELECT stream_id, json FROM device_inbox WHERE user_id = ? AND device_id = ? "
                        + "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id LIMIT ?",
                rs -> new Message(rs.getLong(1), rs.getString(2)), userId, deviceId, after, upto, limit));
    }

    @Override
    public int deleteUpTo(String userId, String deviceId, long upto) {
        return db.write(c -> Sql.update(c, "DELETE FROM device_inbox WHERE user_id = ? AND device_id = ? AND stream_id <= ?",
                userId, deviceId, upto));
    }

    @Override
    public Bounds bounds(String userId, String deviceId) {
        return db.read(c -> Sql.one(c, "SELECT MIN(stream_id), MAX(stream_id) FROM device_inbox WHERE user_id = ? AND device_id = ?",
                rs -> {
                    long min = rs.getLong(1);
                    return rs.wasNull() ? null : new Bounds(min, rs.getLong(2));
                }, userId, deviceId).orElse(null));
    }

    @Override
    public int deleteTxnsBefore(long ts) {
        return db.write(c -> Sql.update(c, "DELETE FROM to_device_txns WHERE ts < ?", ts));
    }
}
