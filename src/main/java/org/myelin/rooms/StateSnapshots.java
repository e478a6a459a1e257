package org.myelin.rooms;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.HashMap;
import java.util.Map;

/**
 * Historical room state ("state before/after event E"), composed from snapshot diffs and cached:
 * consecutive events mostly share a snapshot, so timelines cost a handful of lookups.
 */
public final class StateSnapshots {
    private final RoomStore store;
    private final Cache<Long, Map<StateKey, Long>> cache = org.myelin.metrics.Metrics.cache("state_snapshots", Caffeine.newBuilder()
            .maximumWeight(2_000_000).weigher((Long k, Map<StateKey, Long> v) -> 1 + v.size()).recordStats().build());

    public StateSnapshots(RoomStore store) { this.store = store; }

    public Map<StateKey, Long> at(long snapshotId) {
        if (snapshotId == 0) return Map.of();
        return cache.get(snapshotId, store::stateAt);
    }

    public Map<StateKey, Long> before(StoredEvent se) { return at(se.stateBefore()); }

    /** State after the event: before, plus the event itself when it is a state event. */
    public Map<StateKey, Long> after(StoredEvent se) {
        Map<StateKey, Long> before = before(se);
        Event e = se.event();
        if (!e.isState()) return before;
        Map<StateKey, Long> m = new HashMap<>(before);
        m.put(StateKey.of(e), se.nid());
        return m;
    }
}
