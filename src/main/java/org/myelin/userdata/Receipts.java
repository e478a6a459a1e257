package org.myelin.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.metrics.Metrics;
import org.myelin.rooms.EventCache;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.RoomWriter;
import org.myelin.rooms.StreamIds;
import org.myelin.storage.ReceiptStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.sync.Notifier;
import org.myelin.sync.SyncContext;
import org.myelin.sync.SyncSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Receipts (spec module "Receipts") and the fully read marker (module "Read and unread markers").
 *
 * <p>Each room's latest receipts are kept in memory once read (bounded cache), indexed by key and by
 * stream position, so /sync finds what changed in (since, upto] without the database. Sending a
 * receipt costs one upsert and no per-member work on the request path: waking the members' syncs
 * runs on a virtual thread afterwards. Receipts only move forward: a receipt for an event that is
 * not later in the room's stream than the current one for the same (user, type, thread) is ignored.
 */
public final class Receipts implements SyncSource {
    public static final String READ = "m.read";
    public static final String READ_PRIVATE = "m.read.private";
    public static final String FULLY_READ = "m.fully_read";
    public static final String MAIN_THREAD = "main";
    private static final String UNTHREADED = "";
    private static final int STRIPES = 1024;
    /** Relation hops followed to find an event's thread (the spec recommends at most 3). */
    private static final int MAX_THREAD_HOPS = 3;

    /** Told when a user's read-up-to position moves: where notification counts get reset. */
    @FunctionalInterface
    public interface ReadListener {
        /** threadId is null for an unthreaded receipt, otherwise "main" or a thread root's event ID. */
        void readUpTo(String userId, String roomId, String threadId, StoredEvent event);
    }

    private record Key(String userId, String type, String threadId) {}

    private record Receipt(Key key, String eventId, long eventNid, long ts, long streamId) {}

    /** One room's latest receipts, by key and by stream position (one entry per key in each). */
    private static final class RoomReceipts {
        final Map<Key, Receipt> latest = new ConcurrentHashMap<>();
        final ConcurrentSkipListMap<Long, Receipt> byStream = new ConcurrentSkipListMap<>();

        long maxStreamId() {
            Map.Entry<Long, Receipt> last = byStream.lastEntry();
            return last == null ? 0 : last.getKey();
        }

        void put(Receipt r) {
            Receipt old = latest.put(r.key, r);
            byStream.put(r.streamId, r);
            if (old != null) byStream.remove(old.streamId);
        }
    }

    private final ReceiptStore store;
    private final RoomWriter writer;
    private final EventCache events;
    private final RoomVisibility visibility;
    private final AccountData accountData;
    private final StreamIds stream;
    /** Receipts of different rooms commit out of stream order: wake-ups wait until syncs can read them. */
    private final Notifier.Gate wake;
    private final Cache<String, RoomReceipts> cache = Metrics.cache("receipts",
            Caffeine.newBuilder().maximumSize(20_000).recordStats().build());
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();
    private final List<ReadListener> readListeners = new CopyOnWriteArrayList<>();

    public Receipts(ReceiptStore store, RoomWriter writer, RoomVisibility visibility, AccountData accountData, Notifier notifier) {
        this.store = store;
        this.writer = writer;
        this.events = writer.events();
        this.visibility = visibility;
        this.accountData = accountData;
        this.stream = new StreamIds(store.maxStreamId());
        this.wake = notifier.gate(stream);
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    public void addReadListener(ReadListener l) { readListeners.add(l); }

    private int stripe(String roomId) { return Math.floorMod(roomId.hashCode(), STRIPES); }

    // ------------------------------------------------------------------ the HTTP operations

    /** POST /rooms/{roomId}/receipt/{receiptType}/{eventId}; threadId null for an unthreaded receipt. */
    public void receipt(String userId, String roomId, String type, String eventId, String threadId) {
        if (!READ.equals(type) && !READ_PRIVATE.equals(type) && !FULLY_READ.equals(type)) {
            throw MatrixException.invalidParam("Receipt type must be m.read, m.read.private or m.fully_read");
        }
        if (threadId != null) {
            if (threadId.isEmpty()) throw MatrixException.invalidParam("thread_id must be a non-empty string");
            if (FULLY_READ.equals(type)) throw MatrixException.invalidParam("thread_id cannot be given for m.fully_read");
            if (!MAIN_THREAD.equals(threadId) && !threadId.startsWith("$")) {
                throw MatrixException.invalidParam("thread_id must be 'main' or a thread root's event ID");
            }
        }
        LiveRoom room = joinedRoom(roomId, userId);
        StoredEvent se = visibleEvent(room, userId, eventId);
        if (FULLY_READ.equals(type)) {
            fullyRead(userId, roomId, se);
            return;
        }
        if (threadId != null) checkThread(se, threadId);
        record(room, userId, type, threadId, se);
    }

    /** POST /rooms/{roomId}/read_markers: every given event is checked before anything is stored. */
    public void readMarkers(String userId, String roomId, String fullyRead, String read, String readPrivate) {
        LiveRoom room = joinedRoom(roomId, userId);
        StoredEvent fr = fullyRead == null ? null : visibleEvent(room, userId, fullyRead);
        StoredEvent r = read == null ? null : visibleEvent(room, userId, read);
        StoredEvent rp = readPrivate == null ? null : visibleEvent(room, userId, readPrivate);
        if (fr != null) fullyRead(userId, roomId, fr);
        if (r != null) record(room, userId, READ, null, r);
        if (rp != null) record(room, userId, READ_PRIVATE, null, rp);
    }

    private LiveRoom joinedRoom(String roomId, String userId) {
        if (roomId == null || !roomId.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID");
        LiveRoom room = writer.room(roomId).orElse(null);
        if (room == null || !"join".equals(room.memberships().get(userId))) {
            throw MatrixException.forbidden("You are not joined to this room");
        }
        return room;
    }

    /** The event, if it is in the room and the user may see it; otherwise 404 (a hidden event looks missing). */
    private StoredEvent visibleEvent(LiveRoom room, String userId, String eventId) {
        if (eventId == null || !eventId.startsWith("$")) throw MatrixException.invalidParam("Invalid event ID " + eventId);
        return events.byId(eventId)
                .filter(se -> room.roomId().equals(se.event().roomId()))
                .filter(se -> se.nid() <= writer.streamIds().current())
                .filter(se -> visibility.canSee(userId, se))
                .orElseThrow(() -> MatrixException.notFound("Event not found"));
    }

    /** A threaded receipt's event must be in that thread (or be its root); "main" takes events outside threads. */
    private void checkThread(StoredEvent se, String threadId) {
        String actual = threadOf(se.event());
        if (actual == null) return; // a related event is unknown here: cannot tell, accept
        if (MAIN_THREAD.equals(threadId)) {
            if (!MAIN_THREAD.equals(actual)) throw MatrixException.invalidParam("The event is in thread " + actual + ", not in main");
        } else if (!threadId.equals(actual) && !threadId.equals(se.event().eventId())) {
            throw MatrixException.invalidParam("The event is not in thread " + threadId);
        }
    }

    /**
     * The thread an event is in: the root's event ID when following its relations reaches an
     * m.thread relation, "main" otherwise, or null when a related event is unknown or the chain is longer
     * than the hops followed.
     */
    String threadOf(Event e) {
        Event cur = e;
        for (int hop = 0; hop <= MAX_THREAD_HOPS; hop++) {
            JsonNode rel = cur.content().path("m.relates_to");
            if (!rel.isObject()) return MAIN_THREAD;
            JsonNode target = rel.get("event_id");
            if (target == null || !target.isTextual()) return MAIN_THREAD;
            if ("m.thread".equals(rel.path("rel_type").asText(null))) return target.asText();
            if (!rel.path("rel_type").isTextual()) return MAIN_THREAD;
            if (hop == MAX_THREAD_HOPS) return null;
            Optional<StoredEvent> parent = events.byId(target.asText());
            if (parent.isEmpty()) return null;
            cur = parent.get().event();
        }
        return null;
    }

    /** The fully read marker: room account data m.fully_read {event_id}, which only moves forward. */
    private void fullyRead(String userId, String roomId, StoredEvent se) {
        accountData.update(userId, roomId, AccountData.FULLY_READ, old -> {
            if (old != null && old.path("event_id").isTextual()) {
                Optional<StoredEvent> prev = events.byId(old.path("event_id").asText());
                if (prev.isPresent() && prev.get().nid() >= se.nid()) return null;
            }
            ObjectNode c = Json.object();
            c.put("event_id", se.event().eventId());
            return c;
        });
    }

    /** Stores a receipt if it moves forward, then wakes the syncs of those who may see it. */
    private void record(LiveRoom room, String userId, String type, String threadId, StoredEvent se) {
        String roomId = room.roomId();
        Key key = new Key(userId, type, threadId == null ? UNTHREADED : threadId);
        ReentrantLock l = locks[stripe(roomId)];
        long id;
        l.lock();
        try {
            RoomReceipts rr = load(List.of(roomId)).get(roomId);
            Receipt old = rr.latest.get(key);
            if (old != null && old.eventNid >= se.nid()) return;
            id = stream.allocate();
            try {
                long ts = System.currentTimeMillis();
                boolean stored = store.put(new ReceiptStore.Row(roomId, userId, type, key.threadId, se.event().eventId(),
                        se.nid(), ts, id));
                if (!stored) {
                    // The database holds a later receipt than memory did (another writer): re-read next time.
                    cache.invalidate(roomId);
                    return;
                }
                rr.put(new Receipt(key, se.event().eventId(), se.nid(), ts, id));
            } finally {
                stream.finish(id);
            }
        } finally {
            l.unlock();
        }
        if (READ_PRIVATE.equals(type)) {
            wake.notifyUsersAt(id, List.of(userId));
        } else {
            fanout.execute(() -> {
                List<String> joined = new ArrayList<>();
                room.memberships().forEach((u, m) -> {
                    if ("join".equals(m)) joined.add(u);
                });
                wake.notifyUsersAt(id, joined);
            });
        }
        resetNotificationCounts(userId, roomId, threadId, se);
    }

    /**
     * The user has read up to this event (public or private receipt): notification counts for the
     * room (or the thread) up to it reset here. Counts are always zero until push rules land; the
     * push module registers a {@link ReadListener} to clear its counts.
     */
    private void resetNotificationCounts(String userId, String roomId, String threadId, StoredEvent se) {
        for (ReadListener l : readListeners) l.readUpTo(userId, roomId, threadId, se);
    }

    /**
     * The receipts of these rooms, reading the missing ones from the database. The stripes of the
     * rooms being read are held (in stripe order, so loaders cannot deadlock) so that a receipt being
     * stored cannot slip between the read and the cache.
     */
    private Map<String, RoomReceipts> load(Collection<String> roomIds) {
        Map<String, RoomReceipts> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String r : roomIds) {
            RoomReceipts rr = cache.getIfPresent(r);
            if (rr != null) out.put(r, rr);
            else missing.add(r);
        }
        if (missing.isEmpty()) return out;
        TreeSet<Integer> stripes = new TreeSet<>();
        for (String r : missing) stripes.add(stripe(r));
        List<ReentrantLock> held = new ArrayList<>();
        try {
            for (int s : stripes) {
                locks[s].lock();
                held.add(locks[s]);
            }
            List<String> toRead = new ArrayList<>();
            for (String r : missing) {
                RoomReceipts rr = cache.getIfPresent(r);
                if (rr != null) out.put(r, rr);
                else toRead.add(r);
            }
            if (!toRead.isEmpty()) {
                Map<String, RoomReceipts> read = new HashMap<>();
                for (String r : toRead) read.put(r, new RoomReceipts());
                for (ReceiptStore.Row row : store.inRooms(toRead)) {
                    read.get(row.roomId()).put(new Receipt(new Key(row.userId(), row.receiptType(), row.threadId()),
                            row.eventId(), row.eventNid(), row.ts(), row.streamId()));
                }
                read.forEach(cache::put);
                out.putAll(read);
            }
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) held.get(i).unlock();
        }
        return out;
    }

    // ------------------------------------------------------------------ /sync

    @Override
    public Slot slot() { return Slot.RECEIPTS; }

    @Override
    public long current() { return stream.current(); }

    /**
     * For each joined room, the receipts that changed in (since, upto] (all of them on an initial
     * sync) as one m.receipt event in the room's ephemeral section; private receipts only to their owner.
     */
    @Override
    public boolean contribute(SyncContext ctx, long since, long upto) {
        SyncFilter f = ctx.filter();
        List<String> rooms = new ArrayList<>();
        for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
            String roomId = en.getKey();
            if ("join".equals(en.getValue()) && f.room().allowsRoom(roomId)
                    && f.room().ephemeral().matches(roomId, "m.receipt", null, null)) {
                rooms.add(roomId);
            }
        }
        if (rooms.isEmpty()) return false;
        boolean added = false;
        for (Map.Entry<String, RoomReceipts> en : load(rooms).entrySet()) {
            RoomReceipts rr = en.getValue();
            if (rr.maxStreamId() <= since) continue;
            List<ObjectNode> contents = new ArrayList<>();
            for (Receipt r : rr.byStream.subMap(since, false, upto, true).values()) {
                if (READ_PRIVATE.equals(r.key.type) && !r.key.userId.equals(ctx.userId())) continue;
                ObjectNode receipt = Json.object();
                receipt.put("ts", r.ts);
                if (!r.key.threadId.isEmpty()) receipt.put("thread_id", r.key.threadId);
                place(contents, r, receipt);
            }
            for (ObjectNode content : contents) {
                ObjectNode edu = Json.object();
                edu.put("type", "m.receipt");
                edu.set("content", content);
                ctx.roomEphemeral(en.getKey()).add(edu);
                added = true;
            }
        }
        return added;
    }

    /**
     * Puts content[event][type][user] = receipt into the first m.receipt content where that slot is
     * free; the same user's receipts of one type for several threads on one event need separate events.
     */
    private static void place(List<ObjectNode> contents, Receipt r, ObjectNode receipt) {
        for (ObjectNode c : contents) {
            ObjectNode byType = c.has(r.eventId) ? (ObjectNode) c.get(r.eventId) : null;
            ObjectNode users = byType == null ? null : (ObjectNode) byType.get(r.key.type);
            if (users != null && users.has(r.key.userId)) continue;
            if (byType == null) byType = c.putObject(r.eventId);
            if (users == null) users = byType.putObject(r.key.type);
            users.set(r.key.userId, receipt);
            return;
        }
        ObjectNode c = Json.object();
        c.putObject(r.eventId).putObject(r.key.type).set(r.key.userId, receipt);
        contents.add(c);
    }
}
