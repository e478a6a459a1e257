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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events by nid and by event ID, bounded; the write path keeps it coherent (put, redacted).
 *
 * <p>A redaction changes a stored event after readers may have read it. A reader that read the event
 * before the redaction committed must not put that copy in the cache after the redaction dropped it,
 * or the redacted content would be served until eviction. Readers therefore take a {@link #loadStamp}
 * before reading from the store and cache what they read with {@link #putLoaded}, which drops the
 * copy again when a redaction happened in between.
 */
public final class EventCache {
    private final RoomStore store;
    private final Cache<Long, StoredEvent> byNid = org.myelin.metrics.Metrics.cache("events_by_nid", Caffeine.newBuilder().maximumSize(200_000).recordStats().build());
    private final Cache<String, Long> nidById = Caffeine.newBuilder().maximumSize(200_000).build();
    /** Counts redactions; moves before a redaction's cache entry is dropped. */
    private final AtomicLong redactions = new AtomicLong();

    public EventCache(RoomStore store) { this.store = store; }

    public Optional<StoredEvent> byId(String eventId) {
        // Clients name events in bodies too (redacts, read markers); no event ID holds U+0000, which
        // PostgreSQL text cannot even be asked about.
        if (eventId.indexOf('\0') >= 0) return Optional.empty();
        Long nid = nidById.getIfPresent(eventId);
        if (nid != null) {
            StoredEvent se = byNid.getIfPresent(nid);
            if (se != null) return Optional.of(se);
        }
        long stamp = loadStamp();
        Optional<StoredEvent> se = store.event(eventId);
        se.ifPresent(e -> putLoaded(e, stamp));
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
            long stamp = loadStamp();
            Map<Long, StoredEvent> loaded = store.events(missing);
            for (StoredEvent se : loaded.values()) putLoaded(se, stamp);
            out.putAll(loaded);
        }
        return out;
    }

    /** Caches an event the write path just committed. */
    public void put(StoredEvent se) {
        byNid.put(se.nid(), se);
        nidById.put(se.event().eventId(), se.nid());
    }

    /** Taken before reading events from the store, for {@link #putLoaded}. */
    public long loadStamp() { return redactions.get(); }

    /**
     * Caches an event read from the store after stamp was taken; if a redaction happened since, the
     * copy may predate it and is dropped again (the redaction's own drop may have come before this put).
     */
    public void putLoaded(StoredEvent se, long stamp) {
        put(se);
        if (redactions.get() != stamp) {
            byNid.invalidate(se.nid());
            nidById.invalidate(se.event().eventId());
        }
    }

    /** The event was redacted (the redaction has committed): its cached copy is stale. */
    public void redacted(String eventId) {
        redactions.incrementAndGet();
        Long nid = nidById.getIfPresent(eventId);
        // The two caches evict independently: without the ID mapping, find the nid in the store.
        if (nid == null) nid = store.event(eventId).map(StoredEvent::nid).orElse(null);
        if (nid != null) byNid.invalidate(nid);
        nidById.invalidate(eventId);
    }
}
