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

/**
 * Each user's rooms and membership (room -> membership), kept in memory so that an incremental
 * sync can decide which rooms changed without asking the database. Member events update cached
 * entries in place; uncached users are loaded on demand.
 */
public final class UserRooms implements RoomEventListener {
    private final RoomStore store;
    private final Cache<String, Map<String, String>> cache = org.myelin.metrics.Metrics.cache("user_rooms", Caffeine.newBuilder().maximumSize(100_000).recordStats().build());

    public UserRooms(RoomStore store) { this.store = store; }

    public Map<String, String> of(String userId) {
        return cache.get(userId, u -> new ConcurrentHashMap<>(store.membershipsOf(u)));
    }

    /** A forgotten room disappears from the user's sync entirely. */
    public void forgot(String userId, String roomId) {
        Map<String, String> m = cache.getIfPresent(userId);
        if (m != null) m.remove(roomId);
    }

    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        Event e = se.event();
        if (!"m.room.member".equals(e.type()) || e.membership() == null) return;
        Map<String, String> m = cache.getIfPresent(e.stateKey());
        if (m != null) m.put(room.roomId(), e.membership());
    }
}
