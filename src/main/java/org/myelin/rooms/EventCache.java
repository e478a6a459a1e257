package org.myelin.rooms;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Events by nid and by event ID, bounded; the write path keeps it coherent (put, invalidate). */
public final class EventCache {
    private final RoomStore store;
    private final Cache<Long, StoredEvent> byNid = org.myelin.metrics.Metrics.cache("events_by_nid", Caffeine.newBuilder().maximumSize(200_000).recordStats().build());
    private final Cache<String, Long> nidById = Caffeine.newBuilder().maximumSize(200_000).build();

    public EventCache(RoomStore store) { this.store = store; }

    public Optional<StoredEvent> byId(String eventId) {
        Long nid = nidById.getIfPresent(eventId);
        if (nid != null) {
            StoredEvent se = byNid.getIfPresent(nid);
            if (se != null) return Optional.of(se);
        }
        Optional<StoredEvent> se = store.event(eventId);
        se.ifPresent(this::put);
        return se;
    }

    public StoredEvent byNid(long nid) {
        StoredEvent se = byNid.getIfPresent(nid);
        if (se != null) return se;
        return byNids(List.of(nid)).get(nid);
    }

    public Map<Long, StoredEvent> byNids(Collection<Long> nids) {
        Map<Long, StoredEvent> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long n : nids) {
            StoredEvent se = byNid.getIfPresent(n);
            if (se != null) out.put(n, se);
            else missing.add(n);
        }
        if (!missing.isEmpty()) {
            Map<Long, StoredEvent> loaded = store.events(missing);
            loaded.values().forEach(this::put);
            out.putAll(loaded);
        }
        return out;
    }

    public void put(StoredEvent se) {
        byNid.put(se.nid(), se);
        nidById.put(se.event().eventId(), se.nid());
    }

    public void invalidate(String eventId) {
        Long nid = nidById.getIfPresent(eventId);
        if (nid != null) byNid.invalidate(nid);
        nidById.invalidate(eventId);
    }
}
