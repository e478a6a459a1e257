package org.myelin.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.StateKey;
import org.myelin.core.filters.RoomEventFilter;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.rooms.ClientEvents;
import org.myelin.rooms.EventCache;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.RoomWriter;
import org.myelin.rooms.StateSnapshots;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reading a room's history outside /sync: /messages pagination and /context, under the same
 * visibility, filter and ignore rules as sync. A user who left reads up to their leave event.
 */
public final class RoomHistory {
    private final RoomWriter writer;
    private final RoomStore store;
    private final EventCache events;
    private final StateSnapshots snapshots;
    private final RoomVisibility visibility;
    private final ClientEvents render;
    /** Wakes peeks: keyed by room ID, notified by every write to the room once it is readable. */
    private final Notifier peekers;
    private volatile Function<String, Set<String>> ignoredUsers = u -> Set.of();

    public RoomHistory(RoomWriter writer, RoomStore store, EventCache events, StateSnapshots snapshots,
                       RoomVisibility visibility, ClientEvents render, Notifier peekers) {
        this.writer = writer;
        this.store = store;
        this.events = events;
        this.snapshots = snapshots;
        this.visibility = visibility;
        this.render = render;
        this.peekers = peekers;
    }

    public void setIgnoredUsers(Function<String, Set<String>> f) { this.ignoredUsers = f; }

    /** The highest boundary a user may read to (exclusive): after their leave event, or the present. */
    private long upperBoundary(LiveRoom room, String userId) {
        long present = writer.streamIds().settled(1000) + 1;
        if (userId == null) {
            if (!visibility.isWorldReadable(room)) throw MatrixException.forbidden("You are not allowed to view this room");
            return present;
        }
        Optional<RoomStore.Member> m = store.membership(room.roomId(), userId);
        String membership = m.map(RoomStore.Member::membership).orElse(null);
        if ("leave".equals(membership) || "ban".equals(membership)) {
            return visibility.isWorldReadable(room) ? present : m.get().nid() + 1;
        }
        if (membership != null || visibility.isWorldReadable(room)) return present;
        throw MatrixException.forbidden("You are not allowed to view this room");
    }

    public ObjectNode messages(String roomId, String userId, String deviceId, String from, String to, String dir, int limit,
                               RoomEventFilter filter) {
        LiveRoom room = writer.room(roomId).orElseThrow(() -> MatrixException.forbidden("You are not allowed to view this room"));
        if (!"b".equals(dir) && !"f".equals(dir)) throw MatrixException.invalidParam("dir must be 'b' or 'f'");
        boolean backward = dir.equals("b");
        long upper = upperBoundary(room, userId);
        long start = from == null ? (backward ? upper : 0) : PaginationToken.parse(from);
        long stop = to == null ? (backward ? 0 : upper) : PaginationToken.parse(to);
        Set<String> ignored = userId == null ? Set.of() : ignoredUsers.apply(userId);
        List<StoredEvent> chunk = new ArrayList<>();
        long cursor = start;
        boolean more = false;
        int batch = Math.min(500, limit + 1);
        // Backward: boundaries [stop, min(start, upper)); forward: [start, min(stop, upper)).
        if (backward) cursor = Math.min(cursor, upper);
        long hi = Math.min(stop, upper);
        outer:
        for (int round = 0; round < 100; round++) {
            long stamp = events.loadStamp();
            List<StoredEvent> page = backward
                    ? store.roomEvents(roomId, cursor, stop, false, batch)
                    : store.roomEvents(roomId, cursor - 1, hi - 1, true, batch);
            for (StoredEvent se : page) {
                events.putLoaded(se, stamp);
                if (chunk.size() == limit) {
                    more = true;
                    break outer;
                }
                cursor = backward ? se.nid() : se.nid() + 1;
                if (!filter.matches(se.event())) continue;
                if (!se.event().isState() && ignored.contains(se.event().sender())) continue;
                if (!visibility.canSee(userId, se)) continue;
                chunk.add(se);
            }
            if (page.size() < batch) break;
        }
        ObjectNode out = Json.object();
        out.put("start", from != null ? from : PaginationToken.of(start));
        if (more) out.put("end", PaginationToken.of(cursor));
        else if (!backward) out.put("end", PaginationToken.of(cursor));
        ClientEvents.Viewer viewer = userId == null ? null : new ClientEvents.Viewer(userId, deviceId);
        ArrayNode arr = out.putArray("chunk");
        render.renderAll(chunk, viewer).forEach(arr::add);
        if (filter.lazyLoadMembers() && !chunk.isEmpty()) {
            ArrayNode state = out.putArray("state");
            StoredEvent edge = backward ? chunk.get(0) : chunk.get(chunk.size() - 1);
            render.renderAll(membersFor(chunk, snapshots.after(edge), null), viewer).forEach(state::add);
        }
        return out;
    }

    private List<StoredEvent> membersFor(List<StoredEvent> list, Map<StateKey, Long> state, String also) {
        Set<String> senders = new LinkedHashSet<>();
        for (StoredEvent se : list) senders.add(se.event().sender());
        if (also != null) senders.add(also);
        List<Long> nids = new ArrayList<>();
        for (String s : senders) {
            Long n = state.get(StateKey.of("m.room.member", s));
            if (n != null) nids.add(n);
        }
        return new ArrayList<>(events.byNids(nids).values());
    }

    public ObjectNode context(String roomId, String eventId, String userId, String deviceId, int limit, RoomEventFilter filter) {
        LiveRoom room = writer.room(roomId).orElseThrow(() -> MatrixException.notFound("Event not found"));
        StoredEvent target = events.byId(eventId).filter(e -> roomId.equals(e.event().roomId()))
                .filter(e -> visibility.canSee(userId, e)).orElseThrow(() -> MatrixException.notFound("Event not found"));
        long upper = upperBoundary(room, userId);
        int before = limit / 2;
        int after = limit - before;
        Set<String> ignored = ignoredUsers.apply(userId);
        List<StoredEvent> eb = collect(roomId, target.nid(), 0, true, before, filter, userId, ignored);
        List<StoredEvent> ea = collect(roomId, target.nid() + 1, upper, false, after, filter, userId, ignored);
        ClientEvents.Viewer viewer = new ClientEvents.Viewer(userId, deviceId);
        ObjectNode out = Json.object();
        out.set("event", render.render(target, viewer));
        ArrayNode b = out.putArray("events_before");
        render.renderAll(eb, viewer).forEach(b::add);
        ArrayNode a = out.putArray("events_after");
        render.renderAll(ea, viewer).forEach(a::add);
        out.put("start", PaginationToken.of(eb.isEmpty() ? target.nid() : eb.get(eb.size() - 1).nid()));
        out.put("end", PaginationToken.of(ea.isEmpty() ? target.nid() + 1 : ea.get(ea.size() - 1).nid() + 1));
        StoredEvent last = ea.isEmpty() ? target : ea.get(ea.size() - 1);
        Map<StateKey, Long> state = snapshots.after(last);
        List<StoredEvent> stateEvents;
        if (filter.lazyLoadMembers()) {
            List<StoredEvent> all = new ArrayList<>(eb);
            all.add(target);
            all.addAll(ea);
            stateEvents = new ArrayList<>();
            List<Long> nonMember = new ArrayList<>();
            state.forEach((k, v) -> {
                if (!k.type().equals("m.room.member")) nonMember.add(v);
            });
            stateEvents.addAll(events.byNids(nonMember).values());
            stateEvents.addAll(membersFor(all, state, userId));
        } else {
            stateEvents = new ArrayList<>(events.byNids(state.values()).values());
        }
        // The filter applies to events_before, events_after and state, not to the event itself (spec).
        stateEvents.removeIf(se -> !filter.matches(se.event()));
        ArrayNode st = out.putArray("state");
        render.renderAll(stateEvents, viewer).forEach(st::add);
        return out;
    }

    /** Up to n visible, matching events from a boundary, walking backward (newest first) or forward. */
    private List<StoredEvent> collect(String roomId, long boundary, long limitBoundary, boolean backward, int n,
                                      RoomEventFilter filter, String userId, Set<String> ignored) {
        List<StoredEvent> out = new ArrayList<>();
        if (n <= 0) return out;
        long cursor = boundary;
        for (int round = 0; round < 50 && out.size() < n; round++) {
            int batch = Math.min(500, (n + 1) * 2);
            List<StoredEvent> page = backward
                    ? store.roomEvents(roomId, cursor, limitBoundary, false, batch)
                    : store.roomEvents(roomId, cursor - 1, limitBoundary - 1, true, batch);
            for (StoredEvent se : page) {
                cursor = backward ? se.nid() : se.nid() + 1;
                if (!filter.matches(se.event())) continue;
                if (!se.event().isState() && ignored.contains(se.event().sender())) continue;
                if (!visibility.canSee(userId, se)) continue;
                out.add(se);
                if (out.size() == n) break;
            }
            if (page.size() < batch) break;
        }
        return out;
    }

    /** Events newer than a boundary in a room the user may peek into, for GET /events?room_id=. */
    public List<StoredEvent> after(String roomId, String userId, long boundary, int limit) {
        LiveRoom room = writer.room(roomId).orElseThrow(() -> MatrixException.forbidden("You are not allowed to view this room"));
        long upper = upperBoundary(room, userId);
        List<StoredEvent> out = collect(roomId, boundary, upper, false, limit, RoomEventFilter.ALL, userId, Set.of());
        return out;
    }

    /**
     * {@link #after}, waiting up to timeoutMs for an event when there is none yet. Each write to the
     * room wakes the wait for one more read; the permission check is repeated on every read (the
     * room may stop being world-readable meanwhile).
     */
    public List<StoredEvent> awaitAfter(String roomId, String userId, long boundary, int limit, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        // Listening from before the first read: a write readable after it moves the version.
        try (Notifier.Listener wake = peekers.listen(roomId)) {
            while (true) {
                long seen = wake.version();
                List<StoredEvent> evs = after(roomId, userId, boundary, limit);
                long remaining = deadline - System.currentTimeMillis();
                if (!evs.isEmpty() || remaining <= 0) return evs;
                wake.await(seen, remaining);
                if (wake.version() == seen) return evs; // timed out, or the server is closing
            }
        }
    }

    /** Server shutdown: waiting peeks answer now instead of holding up the HTTP server's graceful stop. */
    public void close() { peekers.close(); }

    public LiveRoom room(String roomId) {
        return writer.room(roomId).orElseThrow(() -> MatrixException.forbidden("You are not allowed to view this room"));
    }
}
