package org.myelin.ephemeral;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.filters.RoomFilter;
import org.myelin.metrics.Metrics;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomEventListener;
import org.myelin.rooms.RoomWriter;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.sync.Notifier;
import org.myelin.sync.SyncContext;
import org.myelin.sync.SyncSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Typing notifications, kept in memory only: a keystroke costs a map update, never a database
 * write. Each room holds its typing users with their expiry times and an immutable snapshot
 * (the user list and the stream position of its last change); only changes of the list move the
 * typing stream, so a client re-sending "typing" before its timeout runs out wakes nobody.
 *
 * <p>Timeouts expire on one virtual thread waiting on a {@link DelayQueue}; a refresh leaves the
 * old entry in the queue, which is ignored when it fires. Waking the room's joined members runs
 * on a virtual thread, off the request thread. /sync reads the stream's recent changes (which
 * rooms changed since its token) and adds {@code m.typing} with the full list to each changed
 * joined room's ephemeral events, as the spec requires (clients replace their list).
 *
 * <p>A room is in memory only while someone types in it: the change that empties its list also
 * drops it. Syncs that have not seen that change yet read the room's empty list through the log,
 * whose changes hold the room's typing object.
 */
public final class Typing implements SyncSource, RoomEventListener, AutoCloseable {
    public static final long MAX_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    private static final int LOG_CAPACITY = 65_536;
    private static final Logger log = LoggerFactory.getLogger(Typing.class);

    private record Snapshot(long position, List<String> userIds) {}

    /** A stream entry: the typing list of roomId changed; typing holds the list, also after the room was dropped. */
    private record Change(String roomId, RoomTyping typing) {}

    private static final class RoomTyping {
        /** user -> expiry time (epoch ms); guarded by the lock. */
        final Map<String, Long> expiries = new LinkedHashMap<>();
        volatile Snapshot snapshot;
    }

    private record Expiry(String roomId, String userId, long at) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) { return unit.convert(at - System.currentTimeMillis(), TimeUnit.MILLISECONDS); }

        @Override
        public int compareTo(Delayed o) { return Long.compare(at, ((Expiry) o).at); }
    }

    private final RoomWriter writer;
    private final Notifier notifier;
    /** The rooms where someone types; changed only under the lock. */
    private final Map<String, RoomTyping> rooms = new ConcurrentHashMap<>();
    private final StreamLog<Change> changes = new StreamLog<>(LOG_CAPACITY);
    /** No room without an entry changed after this position; only syncs older than the log compare with it. */
    private volatile long droppedUpTo;
    private final LongSupplier roomsGauge = () -> rooms.size();
    private final ReentrantLock lock = new ReentrantLock();
    private final DelayQueue<Expiry> expiries = new DelayQueue<>();
    private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread expirer;

    public Typing(RoomWriter writer, Notifier notifier) {
        this.writer = writer;
        this.notifier = notifier;
        this.droppedUpTo = changes.current();
        this.expirer = Thread.ofVirtual().name("typing-expiry").start(this::expireLoop);
        Metrics.gauge("myelin_typing_rooms", roomsGauge);
    }

    /**
     * Marks the user as typing in the room for timeoutMs (capped at {@link #MAX_TIMEOUT_MS}), or as
     * no longer typing. The caller has checked that the user is joined.
     */
    public void set(String roomId, String userId, boolean typing, long timeoutMs) {
        boolean changed;
        lock.lock();
        try {
            RoomTyping rt = rooms.get(roomId);
            if (typing && timeoutMs > 0) {
                if (rt == null) rooms.put(roomId, rt = new RoomTyping());
                long at = System.currentTimeMillis() + Math.min(timeoutMs, MAX_TIMEOUT_MS);
                changed = rt.expiries.put(userId, at) == null;
                expiries.add(new Expiry(roomId, userId, at));
            } else {
                changed = rt != null && rt.expiries.remove(userId) != null;
            }
            if (changed) publish(roomId, rt);
        } finally {
            lock.unlock();
        }
        if (changed) wake(roomId);
    }

    /** The users currently typing in a room (for tests and diagnostics). */
    public List<String> typing(String roomId) {
        RoomTyping rt = rooms.get(roomId);
        Snapshot s = rt == null ? null : rt.snapshot;
        return s == null ? List.of() : s.userIds();
    }

    /** Publishes the room's list; an empty list also drops the room. Holding the lock. */
    private void publish(String roomId, RoomTyping rt) {
        List<String> users = List.copyOf(rt.expiries.keySet());
        long p = changes.append(new Change(roomId, rt), pos -> rt.snapshot = new Snapshot(pos, users));
        if (users.isEmpty()) {
            rooms.remove(roomId, rt);
            droppedUpTo = p;
        }
    }

    private void wake(String roomId) {
        fanout.execute(() -> writer.room(roomId).ifPresent(room -> room.memberships().forEach((u, m) -> {
            if ("join".equals(m)) notifier.notifyUser(u);
        })));
    }

    private void expireLoop() {
        while (true) {
            Expiry e;
            try {
                e = expiries.take();
            } catch (InterruptedException ie) {
                return;
            }
            try {
                expire(e);
            } catch (RuntimeException ex) {
                log.warn("typing expiry failed for {} in {}", e.userId(), e.roomId(), ex);
            }
        }
    }

    private void expire(Expiry e) {
        boolean changed = false;
        lock.lock();
        try {
            RoomTyping rt = rooms.get(e.roomId());
            Long at = rt == null ? null : rt.expiries.get(e.userId());
            if (at != null && at == e.at()) {
                rt.expiries.remove(e.userId());
                publish(e.roomId(), rt);
                changed = true;
            }
        } finally {
            lock.unlock();
        }
        if (changed) wake(e.roomId());
    }

    // ------------------------------------------------------------------ room events

    /** A member who leaves (or is kicked or banned) stops typing at once. */
    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        Event e = se.event();
        if (!"m.room.member".equals(e.type()) || "join".equals(e.membership()) || e.stateKey() == null) return;
        RoomTyping rt = rooms.get(room.roomId());
        Snapshot s = rt == null ? null : rt.snapshot;
        if (s != null && s.userIds().contains(e.stateKey())) set(room.roomId(), e.stateKey(), false, 0);
    }

    // ------------------------------------------------------------------ sync

    @Override
    public Slot slot() { return Slot.TYPING; }

    @Override
    public long current() { return changes.current(); }

    @Override
    public boolean contribute(SyncContext ctx, long since, long upto) {
        boolean added = false;
        // Positions are consecutive, so upto - since is the number of changes in the window: read
        // them when they are fewer than the user's rooms, else look at each room (a client back
        // after a minute on a busy server would otherwise walk thousands of changes).
        if (!ctx.initial() && changes.covers(since) && upto - since <= ctx.rooms().size()) {
            // Each room's newest change in the window, read through its typing object, which
            // still holds the empty list of a room dropped since.
            Map<String, RoomTyping> changed = new LinkedHashMap<>();
            for (Change c : changes.view(since, upto)) {
                if ("join".equals(ctx.rooms().get(c.roomId()))) changed.put(c.roomId(), c.typing());
            }
            for (Map.Entry<String, RoomTyping> en : changed.entrySet()) {
                added |= add(ctx, en.getKey(), en.getValue().snapshot, since, upto, false);
            }
        } else {
            // An initial sync, a long window, or one older than the log: a room without an entry
            // has nobody typing, which a sync is told if any room was dropped after its token.
            boolean droppedSince = !ctx.initial() && since < droppedUpTo;
            for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
                if (!"join".equals(en.getValue())) continue;
                RoomTyping rt = rooms.get(en.getKey());
                if (rt != null) {
                    added |= add(ctx, en.getKey(), rt.snapshot, since, upto, ctx.initial());
                } else if (droppedSince) {
                    added |= add(ctx, en.getKey(), new Snapshot(upto, List.of()), since, upto, false);
                }
            }
        }
        return added;
    }

    private boolean add(SyncContext ctx, String roomId, Snapshot s, long since, long upto, boolean initial) {
        if (!"join".equals(ctx.rooms().get(roomId))) return false;
        // A change after upto is left for the next sync, whose since will be upto.
        if (s == null || s.position() > upto) return false;
        if (initial ? s.userIds().isEmpty() : s.position() <= since) return false;
        RoomFilter rf = ctx.filter().room();
        if (!rf.allowsRoom(roomId) || !rf.ephemeral().allowsRoom(roomId) || !rf.ephemeral().matches("m.typing", null)) return false;
        ObjectNode ev = ctx.roomEphemeral(roomId).addObject();
        ev.put("type", "m.typing");
        ArrayNode ids = ev.putObject("content").putArray("user_ids");
        s.userIds().forEach(ids::add);
        return true;
    }

    @Override
    public void close() {
        expirer.interrupt();
        fanout.shutdownNow();
        Metrics.removeGauge("myelin_typing_rooms", roomsGauge);
    }
}
