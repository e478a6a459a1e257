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
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each user's rooms and membership (room -> membership), kept in memory so that an incremental
 * sync can decide which rooms changed without asking the database. Member events update cached
 * entries in place; uncached users are loaded on demand.
 *
 * <p>A load and a member event of the same user are serialised (striped locks): otherwise a load
 * that read the database just before the event committed would be cached after the event looked for
 * a cached entry and found none (Caffeine does not show an entry while it is being loaded), and the
 * room would be missing from the user's syncs until the entry is evicted.
 */
public final class UserRooms implements RoomEventListener {
    private static final int STRIPES = 1024;

    private final RoomStore store;
    private final Cache<String, Map<String, String>> cache = org.myelin.metrics.Metrics.cache("user_rooms", Caffeine.newBuilder().maximumSize(100_000).recordStats().build());
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public UserRooms(RoomStore store) {
        this.store = store;
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    private ReentrantLock lock(String userId) { return locks[Math.floorMod(userId.hashCode(), STRIPES)]; }

    public Map<String, String> of(String userId) {
        Map<String, String> m = cache.getIfPresent(userId);
        if (m != null) return m;
        ReentrantLock l = lock(userId);
        l.lock();
        try {
            m = cache.getIfPresent(userId);
            if (m == null) {
                m = new ConcurrentHashMap<>(store.membershipsOf(userId));
                cache.put(userId, m);
            }
            return m;
        } finally {
            l.unlock();
        }
    }

    /** A forgotten room disappears from the user's sync entirely. */
    public void forgot(String userId, String roomId) {
        ReentrantLock l = lock(userId);
        l.lock();
        try {
            Map<String, String> m = cache.getIfPresent(userId);
            if (m != null) m.remove(roomId);
        } finally {
            l.unlock();
        }
    }

    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        Event e = se.event();
        if (!"m.room.member".equals(e.type()) || e.membership() == null) return;
        ReentrantLock l = lock(e.stateKey());
        l.lock();
        try {
            Map<String, String> m = cache.getIfPresent(e.stateKey());
            if (m != null) m.put(room.roomId(), e.membership());
        } finally {
            l.unlock();
        }
    }
}
