package org.myelin.storage.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.http.Json;
import org.myelin.metrics.Metrics;
import org.myelin.storage.Database;
import org.myelin.storage.RoomStore;
import org.myelin.storage.Sql;
import org.myelin.storage.StorageException;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

public final class JdbcRoomStore implements RoomStore {
    private static final String EVENT_COLS = "stream_ordering, event_id, state_before, replaces_nid, redacted_by, json";
    /** Re-base a snapshot chain once it is this long, or an eighth of the state size if that is longer. */
    private static final int MIN_CHAIN = 32;

    private final Database db;
    /** Interned (type, state_key) ids; bounded: a room's member keys alone number its members. */
    private final Cache<StateKey, Long> stateKeyIds = Metrics.cache("state_key_ids",
            Caffeine.newBuilder().maximumSize(500_000).recordStats().build());

    public JdbcRoomStore(Database db) { this.db = db; }

    static StoredEvent storedEvent(ResultSet rs) throws SQLException {
        ObjectNode pdu;
        try {
            pdu = (ObjectNode) Json.MAPPER.readTree(rs.getString(6));
        } catch (IOException e) {
            throw new SQLException("corrupt event JSON for " + rs.getString(2), e);
        }
        return new StoredEvent(rs.getLong(1), new Event(rs.getString(2), pdu), rs.getLong(3),
                Sql.nullableLong(rs, "replaces_nid"), rs.getString(5));
    }

    @Override
    public Optional<RoomRow> room(String roomId) {
        return db.read(c -> Sql.one(c, "SELECT room_id, room_version, creator, is_public, created_ts FROM rooms WHERE room_id = ?",
                rs -> new RoomRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)), roomId));
    }

    @Override
    public long stateKeyId(StateKey key) {
        Long id = stateKeyIds.getIfPresent(key);
        if (id != null) return id;
        Optional<Long> found = db.read(c -> Sql.one(c, "SELECT id FROM state_keys WHERE type = ? AND state_key = ?",
                rs -> rs.getLong(1), key.type(), key.stateKey()));
        id = found.isPresent() ? found.get() : db.write(c -> internInTx(c, key));
        stateKeyIds.put(key, id);
        return id;
    }

    @Override
    public StateHead persist(Persist p) {
        // Keys a re-base had to look up are remembered once the transaction has committed.
        Map<StateKey, Long> learned = new HashMap<>();
        StateHead result = db.write(c -> {
            Event e = p.event();
            if (p.newRoom() != null) {
                RoomRow r = p.newRoom();
                Sql.update(c, "INSERT INTO rooms (room_id, room_version, creator, is_public, created_ts) VALUES (?,?,?,?,?)",
                        r.roomId(), r.version(), r.creator(), r.isPublic(), r.createdTs());
            }
            String roomId = e.roomId();
            Sql.update(c, "INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender, depth, origin_server_ts, "
                            + "state_before, replaces_nid, json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    p.nid(), e.eventId(), roomId, e.type(), e.stateKey(), e.sender(), e.depth(), e.originServerTs(),
                    p.head().snapshotId(), p.replacesNid(), Json.writeString(e.pdu()));
            StateHead head = p.head();
            if (e.isState()) {
                head = writeSnapshot(c, roomId, p, learned);
                Sql.update(c, "INSERT INTO current_state (room_id, type, state_key, event_nid) VALUES (?,?,?,?) "
                        + "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_nid = excluded.event_nid",
                        roomId, e.type(), e.stateKey(), p.nid());
                Sql.update(c, "INSERT INTO room_state_heads (room_id, snapshot_id) VALUES (?,?) "
                        + "ON CONFLICT (room_id) DO UPDATE SET snapshot_id = excluded.snapshot_id", roomId, head.snapshotId());
                if ("m.room.member".equals(e.type()) && e.membership() != null) {
                    Sql.update(c, "INSERT INTO memberships (room_id, user_id, membership, event_nid, forgotten) VALUES (?,?,?,?,?) "
                            + "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = excluded.membership, "
                            + "event_nid = excluded.event_nid, forgotten = excluded.forgotten",
                            roomId, e.stateKey(), e.membership(), p.nid(), false);
                }
            }
            for (String prev : p.consumedExtremities()) {
                Sql.update(c, "DELETE FROM forward_extremities WHERE room_id = ? AND event_id = ?", roomId, prev);
            }
            Sql.update(c, "INSERT INTO forward_extremities (room_id, event_id) VALUES (?, ?)", roomId, e.eventId());
            if (p.txn() != null) {
                Sql.update(c, "INSERT INTO event_txns (user_id, device_id, txn_id, event_id, created_ts) VALUES (?,?,?,?,?)",
                        p.txn().userId(), p.txn().deviceId(), p.txn().txnId(), e.eventId(), e.originServerTs());
            }
            if (p.redacts() != null) {
                Sql.update(c, "UPDATE events SET redacted_by = ? WHERE event_id = ? AND room_id = ? AND redacted_by IS NULL",
                        e.eventId(), p.redacts(), roomId);
            }
            return head;
        });
        stateKeyIds.putAll(learned);
        return result;
    }

    /** A new snapshot: one entry on top of the current head, or a full copy when the chain is long. */
    private StateHead writeSnapshot(Connection c, String roomId, Persist p, Map<StateKey, Long> learned) throws SQLException {
        StateHead head = p.head();
        int fullSize = p.fullStateAfter().size();
        boolean rebase = head.snapshotId() == 0 || head.chainLength() + 1 >= Math.max(MIN_CHAIN, fullSize / 8);
        long id = Sql.one(c, "INSERT INTO state_snapshots (room_id, parent_id, chain_length, full_size) VALUES (?,?,?,?) RETURNING id",
                rs -> rs.getLong(1), roomId, rebase ? null : head.snapshotId(), rebase ? 0 : head.chainLength() + 1, fullSize).orElseThrow();
        if (rebase) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO state_snapshot_entries (snapshot_id, state_key_id, event_nid) VALUES (?,?,?)")) {
                int n = 0;
                for (Map.Entry<StateKey, Long> en : p.fullStateAfter().entrySet()) {
                    Long keyId = stateKeyIds.getIfPresent(en.getKey());
                    if (keyId == null) {
                        keyId = internInTx(c, en.getKey());
                        learned.put(en.getKey(), keyId);
                    }
                    Sql.bind(ps, id, keyId, en.getValue());
                    ps.addBatch();
                    if (++n % 500 == 0) ps.executeBatch();
                }
                ps.executeBatch();
            }
            return new StateHead(id, 0, fullSize);
        }
        Sql.update(c, "INSERT INTO state_snapshot_entries (snapshot_id, state_key_id, event_nid) VALUES (?,?,?)",
                id, p.stateKeyId(), p.nid());
        return new StateHead(id, head.chainLength() + 1, fullSize);
    }

    /**
     * Interns a key inside a write transaction. Several transactions may intern the same new key at
     * once on PostgreSQL: the insert then waits for the first one and does nothing (instead of failing
     * on the unique constraint), and the select, a new statement under READ COMMITTED, finds its row.
     */
    private static long internInTx(Connection c, StateKey key) throws SQLException {
        Optional<Long> existing = Sql.one(c, "SELECT id FROM state_keys WHERE type = ? AND state_key = ?",
                rs -> rs.getLong(1), key.type(), key.stateKey());
        if (existing.isPresent()) return existing.get();
        Optional<Long> inserted = Sql.one(c, "INSERT INTO state_keys (type, state_key) VALUES (?, ?) "
                + "ON CONFLICT (type, state_key) DO NOTHING RETURNING id", rs -> rs.getLong(1), key.type(), key.stateKey());
        if (inserted.isPresent()) return inserted.get();
        return Sql.one(c, "SELECT id FROM state_keys WHERE type = ? AND state_key = ?",
                rs -> rs.getLong(1), key.type(), key.stateKey()).orElseThrow();
    }

    @Override
    public Optional<StateHead> stateHead(String roomId) {
        return db.read(c -> Sql.one(c, "SELECT s.id, s.chain_length, s.full_size FROM room_state_heads h "
                        + "JOIN state_snapshots s ON s.id = h.snapshot_id WHERE h.room_id = ?",
                rs -> new StateHead(rs.getLong(1), rs.getInt(2), rs.getInt(3)), roomId));
    }

    @Override
    public Map<StateKey, Long> stateAt(long snapshotId) {
        if (snapshotId == 0) return Map.of();
        return db.read(c -> {
            TreeMap<Integer, List<Object[]>> byLevel = new TreeMap<>();
            Sql.countStatement();
            try (PreparedStatement ps = c.prepareStatement(
                    "WITH RECURSIVE chain(id, parent_id, lvl) AS ("
                            + " SELECT id, parent_id, 0 FROM state_snapshots WHERE id = ?"
                            + " UNION ALL SELECT s.id, s.parent_id, chain.lvl + 1 FROM state_snapshots s JOIN chain ON s.id = chain.parent_id)"
                            + " SELECT chain.lvl, k.type, k.state_key, e.event_nid FROM chain"
                            + " JOIN state_snapshot_entries e ON e.snapshot_id = chain.id"
                            + " JOIN state_keys k ON k.id = e.state_key_id")) {
                Sql.bind(ps, snapshotId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byLevel.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                                .add(new Object[] {StateKey.of(rs.getString(2), rs.getString(3)), Sql.nullableLong(rs, "event_nid")});
                    }
                }
            }
            Map<StateKey, Long> state = new HashMap<>();
            for (List<Object[]> level : byLevel.descendingMap().values()) {
                for (Object[] en : level) {
                    if (en[1] == null) state.remove((StateKey) en[0]);
                    else state.put((StateKey) en[0], (Long) en[1]);
                }
            }
            return state;
        });
    }

    @Override
    public Map<StateKey, Long> currentState(String roomId) {
        return db.read(c -> {
            Map<StateKey, Long> m = new HashMap<>();
            for (Object[] r : Sql.list(c, "SELECT type, state_key, event_nid FROM current_state WHERE room_id = ?",
                    rs -> new Object[] {StateKey.of(rs.getString(1), rs.getString(2)), rs.getLong(3)}, roomId)) {
                m.put((StateKey) r[0], (Long) r[1]);
            }
            return m;
        });
    }

    @Override
    public List<String> forwardExtremities(String roomId) {
        return db.read(c -> Sql.list(c, "SELECT event_id FROM forward_extremities WHERE room_id = ?", rs -> rs.getString(1), roomId));
    }

    @Override
    public Optional<StoredEvent> event(String eventId) {
        return db.read(c -> Sql.one(c, "SELECT " + EVENT_COLS + " FROM events WHERE event_id = ?", JdbcRoomStore::storedEvent, eventId));
    }

    @Override
    public Map<Long, StoredEvent> events(Collection<Long> nids) {
        Map<Long, StoredEvent> out = new HashMap<>();
        if (nids.isEmpty()) return out;
        List<Long> all = new ArrayList<>(nids);
        db.read(c -> {
            for (int i = 0; i < all.size(); i += 500) {
                List<Long> chunk = all.subList(i, Math.min(all.size(), i + 500));
                String in = "?" + ",?".repeat(chunk.size() - 1);
                for (StoredEvent se : Sql.list(c, "SELECT " + EVENT_COLS + " FROM events WHERE stream_ordering IN (" + in + ")",
                        JdbcRoomStore::storedEvent, chunk.toArray())) {
                    out.put(se.nid(), se);
                }
            }
            return null;
        });
        return out;
    }

    @Override
    public Optional<String> txnEvent(TxnKey k) {
        return db.read(c -> Sql.one(c, "SELECT event_id FROM event_txns WHERE user_id = ? AND device_id = ? AND txn_id = ?",
                rs -> rs.getString(1), k.userId(), k.deviceId(), k.txnId()));
    }

    @Override
    public Map<String, TxnKey> txnsOf(Collection<String> eventIds) {
        Map<String, TxnKey> out = new HashMap<>();
        if (eventIds.isEmpty()) return out;
        List<String> all = new ArrayList<>(eventIds);
        db.read(c -> {
            for (int i = 0; i < all.size(); i += 500) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + 500));
                String in = "?" + ",?".repeat(chunk.size() - 1);
                Sql.list(c, "SELECT event_id, user_id, device_id, txn_id FROM event_txns WHERE event_id IN (" + in + ")",
                        rs -> out.put(rs.getString(1), new TxnKey(rs.getString(2), rs.getString(3), rs.getString(4))), chunk.toArray());
            }
            return null;
        });
        return out;
    }

    @Override
    public List<Member> members(String roomId) {
        return db.read(c -> Sql.list(c, "SELECT user_id, membership, event_nid FROM memberships WHERE room_id = ?",
                rs -> new Member(rs.getString(1), rs.getString(2), rs.getLong(3)), roomId));
    }

    @Override
    public Optional<Member> membership(String roomId, String userId) {
        return db.read(c -> Sql.one(c, "SELECT user_id, membership, event_nid FROM memberships WHERE room_id = ? AND user_id = ?",
                rs -> new Member(rs.getString(1), rs.getString(2), rs.getLong(3)), roomId, userId));
    }

    @Override
    public List<String> roomsOf(String userId, Collection<String> memberships) {
        return db.read(c -> {
            if (memberships.isEmpty()) {
                return Sql.list(c, "SELECT room_id FROM memberships WHERE user_id = ?", rs -> rs.getString(1), userId);
            }
            List<Object> args = new ArrayList<>();
            args.add(userId);
            args.addAll(memberships);
            String in = "?" + ",?".repeat(memberships.size() - 1);
            return Sql.list(c, "SELECT room_id FROM memberships WHERE user_id = ? AND membership IN (" + in + ")",
                    rs -> rs.getString(1), args.toArray());
        });
    }

    @Override
    public Map<String, String> membershipsOf(String userId) {
        return db.read(c -> {
            Map<String, String> m = new HashMap<>();
            Sql.list(c, "SELECT room_id, membership FROM memberships WHERE user_id = ? AND forgotten = ?",
                    rs -> m.put(rs.getString(1), rs.getString(2)), userId, false);
            return m;
        });
    }

    @Override
    public void setForgotten(String roomId, String userId) {
        db.write(c -> Sql.update(c, "UPDATE memberships SET forgotten = ? WHERE room_id = ? AND user_id = ?", true, roomId, userId));
    }

    @Override
    public boolean isForgotten(String roomId, String userId) {
        return db.read(c -> Sql.one(c, "SELECT forgotten FROM memberships WHERE room_id = ? AND user_id = ?",
                rs -> rs.getBoolean(1), roomId, userId)).orElse(false);
    }

    @Override
    public Optional<StoredEvent> eventNearTimestamp(String roomId, long ts, boolean forward) {
        String sql = forward
                ? "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND origin_server_ts >= ? ORDER BY origin_server_ts ASC, stream_ordering ASC LIMIT 1"
                : "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND origin_server_ts <= ? ORDER BY origin_server_ts DESC, stream_ordering DESC LIMIT 1";
        return db.read(c -> Sql.one(c, sql, JdbcRoomStore::storedEvent, roomId, ts));
    }

    @Override
    public List<StoredEvent> roomEvents(String roomId, long from, long to, boolean forward, int limit) {
        String sql = forward
                ? "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND stream_ordering > ? AND stream_ordering <= ? ORDER BY stream_ordering ASC LIMIT ?"
                : "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND stream_ordering < ? AND stream_ordering >= ? ORDER BY stream_ordering DESC LIMIT ?";
        return db.read(c -> Sql.list(c, sql, JdbcRoomStore::storedEvent, roomId, from, to, limit));
    }

    @Override
    public long maxStreamOrdering() {
        return db.read(c -> Sql.longValue(c, "SELECT COALESCE(MAX(stream_ordering), 0) FROM events"));
    }

    @Override
    public boolean createAlias(String alias, String roomId, String creator) {
        return db.write(c -> Sql.update(c, "INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES (?,?,?,?) "
                + "ON CONFLICT (alias) DO NOTHING", alias, roomId, creator, System.currentTimeMillis()) > 0);
    }

    @Override
    public Optional<String[]> alias(String alias) {
        return db.read(c -> Sql.one(c, "SELECT room_id, creator FROM room_aliases WHERE alias = ?",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, alias));
    }

    @Override
    public boolean deleteAlias(String alias) {
        return db.write(c -> Sql.update(c, "DELETE FROM room_aliases WHERE alias = ?", alias) > 0);
    }

    @Override
    public List<String> aliasesOf(String roomId) {
        return db.read(c -> Sql.list(c, "SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", rs -> rs.getString(1), roomId));
    }

    @Override
    public void setPublic(String roomId, boolean isPublic) {
        db.write(c -> Sql.update(c, "UPDATE rooms SET is_public = ? WHERE room_id = ?", isPublic, roomId));
    }

    @Override
    public List<String> publicRooms() {
        return db.read(c -> Sql.list(c, "SELECT room_id FROM rooms WHERE is_public = ? ORDER BY created_ts", rs -> rs.getString(1), true));
    }

    @Override
    public void report(String roomId, String eventId, String userId, String reason, Integer score) {
        db.write(c -> Sql.update(c, "INSERT INTO event_reports (room_id, event_id, user_id, reason, score, received_ts) VALUES (?,?,?,?,?,?)",
                roomId, eventId, userId, reason, score, System.currentTimeMillis()));
    }

    @Override
    public List<Report> reports(long offset, int limit, boolean oldestFirst, String userId, String roomId) {
        List<Object> args = new ArrayList<>();
        String where = reportFilter(userId, roomId, args);
        args.add(limit);
        args.add(offset);
        return db.read(c -> Sql.list(c, "SELECT id, received_ts, room_id, event_id, user_id, reason, score FROM event_reports" + where
                        + " ORDER BY id " + (oldestFirst ? "ASC" : "DESC") + " LIMIT ? OFFSET ?",
                rs -> {
                    Long score = Sql.nullableLong(rs, "score");
                    return new Report(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), score == null ? null : score.intValue());
                }, args.toArray()));
    }

    @Override
    public long countReports(String userId, String roomId) {
        List<Object> args = new ArrayList<>();
        String where = reportFilter(userId, roomId, args);
        return db.read(c -> Sql.longValue(c, "SELECT COUNT(*) FROM event_reports" + where, args.toArray()));
    }

    private static String reportFilter(String userId, String roomId, List<Object> args) {
        List<String> conds = new ArrayList<>();
        if (userId != null) {
            conds.add("user_id = ?");
            args.add(userId);
        }
        if (roomId != null) {
            conds.add("room_id = ?");
            args.add(roomId);
        }
        return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
    }

    @Override
    public List<String> moveAliases(String fromRoom, String toRoom) {
        return db.write(c -> {
            List<String> moved = Sql.list(c, "SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", rs -> rs.getString(1), fromRoom);
            Sql.update(c, "UPDATE room_aliases SET room_id = ? WHERE room_id = ?", toRoom, fromRoom);
            return moved;
        });
    }

    @Override
    public Map<String, Integer> joinedMemberCounts(Collection<String> roomIds) {
        Map<String, Integer> out = new HashMap<>();
        if (roomIds.isEmpty()) return out;
        List<String> all = new ArrayList<>(roomIds);
        db.read(c -> {
            for (int i = 0; i < all.size(); i += 500) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + 500));
                List<Object> args = new ArrayList<>();
                args.add("join");
                args.addAll(chunk);
                String in = "?" + ",?".repeat(chunk.size() - 1);
                Sql.list(c, "SELECT room_id, COUNT(*) FROM memberships WHERE membership = ? AND room_id IN (" + in + ") GROUP BY room_id",
                        rs -> out.put(rs.getString(1), rs.getInt(2)), args.toArray());
            }
            return null;
        });
        return out;
    }

    @Override
    public List<StoredEvent> eventsByTimestamp(String roomId, long ts, long nid, boolean forward, int limit) {
        String sql = forward
                ? "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND origin_server_ts >= ? AND (origin_server_ts > ? OR stream_ordering > ?)"
                        + " ORDER BY origin_server_ts ASC, stream_ordering ASC LIMIT ?"
                : "SELECT " + EVENT_COLS + " FROM events WHERE room_id = ? AND origin_server_ts <= ? AND (origin_server_ts < ? OR stream_ordering < ?)"
                        + " ORDER BY origin_server_ts DESC, stream_ordering DESC LIMIT ?";
        return db.read(c -> Sql.list(c, sql, JdbcRoomStore::storedEvent, roomId, ts, ts, nid, limit));
    }

    static StorageException wrap(SQLException e) { return new StorageException(e.getMessage(), e); }
}
