package org.myelin.sync;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomEventListener;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Each user's rooms and membership (room -> membership), kept in memory so that an incremental
 * sync can decide which rooms changed without asking the database. Member events update cached
 * entries in place; uncached users are loaded on demand.
 *
 * <p>A load that read the database just before a member event committed may be cached after the
 * event looked for a cached entry and found none (Caffeine shows no entry while it is being loaded):
 * the room would then be missing from the user's syncs until the entry is evicted. Member events
 * therefore move a per-user (striped) change counter first; a load that sees the counter moved
 * while it read drops what it cached, and the next use reads again. The write path never waits.
 */
public final class UserRooms implements RoomEventListener {
    private static final int STRIPES = 4096;

    private final RoomStore store;
    private final Cache<String, Map<String, String>> cache = org.myelin.metrics.Metrics.cache("user_rooms", Caffeine.newBuilder().maximumSize(100_000).recordStats().build());
    private final AtomicLongArray changes = new AtomicLongArray(STRIPES);

    public UserRooms(RoomStore store) { this.store = store; }

    private static int stripe(String userId) { return Math.floorMod(userId.hashCode(), STRIPES); }

    public Map<String, String> of(String userId) {
        Map<String, String> m = cache.getIfPresent(userId);
        if (m != null) return m;
        int s = stripe(userId);
        long before = changes.get(s);
        m = new ConcurrentHashMap<>(store.membershipsOf(userId));
        cache.put(userId, m);
        // A member event of this stripe committed meanwhile and may have missed the entry.
        if (changes.get(s) != before) cache.invalidate(userId);
        return m;
    }

    /** A forgotten room disappears from the user's sync entirely. */
    public void forgot(String userId, String roomId) {
        changes.incrementAndGet(stripe(userId));
        Map<String, String> m = cache.getIfPresent(userId);
        if (m != null) m.remove(roomId);
    }

    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        Event e = se.event();
        if (!"m.room.member".equals(e.type()) || e.membership() == null) return;
        changes.incrementAndGet(stripe(e.stateKey()));
        Map<String, String> m = cache.getIfPresent(e.stateKey());
        if (m != null) m.put(room.roomId(), e.membership());
    }
}
