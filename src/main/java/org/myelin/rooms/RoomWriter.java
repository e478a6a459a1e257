package org.myelin.rooms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.events.Event;
import org.myelin.core.events.EventLimits;
import org.myelin.core.events.PduFactory;
import org.myelin.core.events.StateKey;
import org.myelin.core.json.StrictCanonicalJson;
import org.myelin.core.rooms.AuthEventSelection;
import org.myelin.core.rooms.AuthFailure;
import org.myelin.core.rooms.AuthRules;
import org.myelin.core.rooms.JoinedElsewhere;
import org.myelin.core.rooms.RoomPermissions;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StateHead;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The room write path (DESIGN.md): one writer per room at a time, rooms in parallel. For each
 * event: select auth events from the current state, point prev_events at the forward extremities,
 * hash, sign and identify it, check the auth rules, then store it and all its effects in one
 * transaction, update the in-memory room head and tell listeners. Nothing on this path is
 * proportional to the room's size: the state map is in memory and only the few auth events are read.
 */
public final class RoomWriter {
    private static final int LOCK_STRIPES = 4096;

    private final RoomStore store;
    private final EventCache events;
    private final StreamIds streamIds;
    private final AuthRules authRules;
    private final SigningKey key;
    private final String serverName;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final Cache<String, LiveRoom> rooms = org.myelin.metrics.Metrics.cache("live_rooms", Caffeine.newBuilder().maximumSize(50_000).recordStats().build());
    private final List<RoomEventListener> listeners = new CopyOnWriteArrayList<>();

    public RoomWriter(RoomStore store, EventCache events, StreamIds streamIds, AuthRules authRules, SigningKey key,
                      String serverName) {
        this.store = store;
        this.events = events;
        this.streamIds = streamIds;
        this.authRules = authRules;
        this.key = key;
        this.serverName = serverName;
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new ReentrantLock();
    }

    public void addListener(RoomEventListener l) { listeners.add(l); }

    public EventCache events() { return events; }

    /** The stored form of an event known to be persisted. */
    public StoredEvent stored(Event e) {
        return events.byId(e.eventId()).orElseThrow(() -> new IllegalStateException("not stored: " + e.eventId()));
    }

    public String serverName() { return serverName; }

    public StreamIds streamIds() { return streamIds; }

    private ReentrantLock lock(String roomId) { return locks[Math.floorMod(roomId.hashCode(), LOCK_STRIPES)]; }

    /** The room's live head, loaded from storage on first use; empty if the room is unknown. */
    public Optional<LiveRoom> room(String roomId) {
        // Clients name rooms in query strings too (/events?room_id=); no room ID holds U+0000, which
        // PostgreSQL text cannot even be asked about.
        if (roomId.indexOf('\0') >= 0) return Optional.empty();
        LiveRoom r = rooms.getIfPresent(roomId);
        if (r != null) return Optional.of(r);
        Optional<RoomStore.RoomRow> row = store.room(roomId);
        if (row.isEmpty()) return Optional.empty();
        RoomVersion version = RoomVersion.require(row.get().version());
        ReentrantLock l = lock(roomId);
        l.lock();
        try {
            r = rooms.getIfPresent(roomId);
            if (r != null) return Optional.of(r);
            List<String> ext = store.forwardExtremities(roomId);
            long depth = 0;
            long lastNid = 0;
            for (String id : ext) {
                Optional<StoredEvent> se = events.byId(id);
                if (se.isPresent()) {
                    depth = Math.max(depth, se.get().event().depth());
                    lastNid = Math.max(lastNid, se.get().nid());
                }
            }
            Map<String, String> memberships = new HashMap<>();
            for (RoomStore.Member m : store.members(roomId)) memberships.put(m.userId(), m.membership());
            r = new LiveRoom(roomId, version, store.currentState(roomId), store.stateHead(roomId).orElse(StateHead.NONE),
                    List.copyOf(ext), depth, lastNid, memberships);
            rooms.put(roomId, r);
            return Optional.of(r);
        } finally {
            l.unlock();
        }
    }

    public LiveRoom requireRoom(String roomId) {
        return room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
    }

    /** Loads the current state events for the given keys (absent keys are skipped). */
    public Map<StateKey, Event> stateEvents(LiveRoom room, Iterable<StateKey> keys) {
        Map<StateKey, Long> nids = new HashMap<>();
        for (StateKey k : keys) {
            Long nid = room.state.get(k);
            if (nid != null) nids.put(k, nid);
        }
        Map<Long, StoredEvent> loaded = events.byNids(nids.values());
        Map<StateKey, Event> out = new HashMap<>();
        nids.forEach((k, nid) -> {
            StoredEvent se = loaded.get(nid);
            if (se != null) out.put(k, se.event());
        });
        return out;
    }

    public Event stateEvent(LiveRoom room, String type, String stateKey) {
        Long nid = room.state.get(StateKey.of(type, stateKey));
        return nid == null ? null : events.byNid(nid).event();
    }

    /**
     * Creates a room with its m.room.create event. For room versions before 12 roomId is chosen by the
     * caller; from 12 it is derived from the create event and roomId must be null.
     */
    public StoredEvent create(String roomId, RoomVersion version, String sender, ObjectNode content) {
        ObjectNode t = Json.object();
        t.put("type", "m.room.create");
        t.put("state_key", "");
        t.put("sender", sender);
        if (!version.roomIdFromCreateEvent()) t.put("room_id", roomId);
        t.set("content", content);
        long ts = System.currentTimeMillis();
        t.put("depth", 1);
        t.putArray("prev_events");
        t.putArray("auth_events");
        // From v12 the room ID is the create event's hash: two rooms created by one user with the same
        // content in the same millisecond would get the same ID. The later one moves its timestamp on.
        for (int attempt = 0; ; attempt++) {
            t.put("origin_server_ts", ts + attempt);
            Event event = build(t, version);
            check(event, version, Map.of());
            String id = event.roomId();
            LiveRoom room = new LiveRoom(id, version, Map.of(), StateHead.NONE, List.of(), 0, 0, Map.of());
            ReentrantLock l = lock(id);
            l.lock();
            try {
                if (store.room(id).isPresent()) {
                    if (version.roomIdFromCreateEvent() && attempt < 100) continue;
                    throw new MatrixException(400, "M_ROOM_IN_USE", "Room ID already in use");
                }
                StoredEvent se = persist(room, event, null, new RoomStore.RoomRow(id, version.id(), sender, false,
                        event.originServerTs()), null);
                rooms.put(id, room);
                return se;
            } finally {
                l.unlock();
            }
        }
    }

    /**
     * Sends an event into an existing room. With a txn key, a retry of the same transaction returns
     * the event stored the first time and sends nothing.
     */
    public StoredEvent send(String roomId, EventTemplate t, TxnKey txn, JoinedElsewhere joined) {
        if (t.type().indexOf('\0') >= 0 || (t.stateKey() != null && t.stateKey().indexOf('\0') >= 0)) {
            throw MatrixException.invalidParam("Event type and state key must not contain U+0000");
        }
        ReentrantLock l = lock(roomId);
        StoredEvent result;
        l.lock();
        try {
            // Taken under the lock: a head fetched before it may have been evicted and re-loaded by
            // then, and writing through the stale copy would leave the cached head behind the database.
            LiveRoom room = requireRoom(roomId);
            if (txn != null) {
                Optional<String> prior = store.txnEvent(txn);
                if (prior.isPresent()) return events.byId(prior.get()).orElseThrow();
            }
            RoomVersion v = room.version;
            if (v.strictCanonicalJson()) {
                StrictCanonicalJson.violation(t.content()).ifPresent(msg -> {
                    throw MatrixException.badJson(msg);
                });
            }
            // Auth events: the candidates for this event that exist in the current state.
            var keys = AuthEventSelection.candidates(t.type(), t.stateKey(), t.sender(), t.content(), v);
            Map<StateKey, Event> authState = stateEvents(room, keys);
            Map<StateKey, Event> checkState = new HashMap<>(authState);
            StateKey createKey = StateKey.of("m.room.create", "");
            if (!checkState.containsKey(createKey)) checkState.put(createKey, stateEvent(room, "m.room.create", ""));

            ObjectNode tpl = Json.object();
            tpl.put("type", t.type());
            if (t.stateKey() != null) tpl.put("state_key", t.stateKey());
            tpl.put("sender", t.sender());
            tpl.put("room_id", roomId);
            tpl.set("content", t.content());
            tpl.put("origin_server_ts", System.currentTimeMillis());
            tpl.put("depth", room.depth + 1);
            ArrayNode prev = tpl.putArray("prev_events");
            for (String id : room.extremities) prev.add(ref(id, v));
            ArrayNode auth = tpl.putArray("auth_events");
            List<Event> authEvents = new ArrayList<>(authState.values());
            authEvents.sort(Comparator.comparing(Event::type).thenComparing(e -> e.stateKey() == null ? "" : e.stateKey()));
            for (Event e : authEvents) auth.add(PduFactory.reference(e, v));
            if (t.redacts() != null) {
                if (v.v11RedactionAndCreator()) ((ObjectNode) tpl.get("content")).put("redacts", t.redacts());
                else tpl.put("redacts", t.redacts());
            }
            Event event = build(tpl, v);
            EventLimits.check(event.pdu()).ifPresent(msg -> {
                throw MatrixException.tooLarge(msg);
            });
            try {
                authRules.check(event, v, checkState, joined);
            } catch (AuthFailure f) {
                throw MatrixException.forbidden(f.getMessage());
            }
            if (t.redacts() != null) checkRedaction(roomId, t, checkState, v);
            result = persist(room, event, txn, null, t.redacts());
        } finally {
            l.unlock();
        }
        return result;
    }

    /**
     * The Client-Server API's rule for redactions (one's own events, or anyone's with the redact
     * level; from v3 the auth rules leave this to the sending server). Decided here, under the room
     * lock and against the state the redaction is authorised against: decided before the lock, a
     * power level change committed in between would be ignored. The target was just looked up by
     * the handler, so it comes from the event cache.
     */
    private void checkRedaction(String roomId, EventTemplate t, Map<StateKey, Event> state, RoomVersion v) {
        Event original = events.byId(t.redacts()).map(StoredEvent::event).filter(e -> roomId.equals(e.roomId()))
                .orElseThrow(() -> MatrixException.notFound("Event not found"));
        if (!RoomPermissions.of(state, v).canRedact(t.sender(), original.sender())) {
            throw MatrixException.forbidden("You may only redact your own events");
        }
    }

    /** Hashes, identifies and signs a PDU; content canonical JSON cannot express (an unpaired surrogate) is the client's error. */
    private Event build(ObjectNode template, RoomVersion v) {
        try {
            return PduFactory.create(template, v, serverName, key);
        } catch (IllegalArgumentException e) {
            throw MatrixException.badJson("Event content cannot be encoded as canonical JSON: " + e.getMessage());
        }
    }

    private com.fasterxml.jackson.databind.JsonNode ref(String eventId, RoomVersion v) {
        if (v.eventIdFormat() != RoomVersion.EventIdFormat.V1_LOCAL) return com.fasterxml.jackson.databind.node.TextNode.valueOf(eventId);
        return PduFactory.reference(events.byId(eventId).orElseThrow().event(), v);
    }

    private void check(Event event, RoomVersion v, Map<StateKey, Event> state) {
        EventLimits.check(event.pdu()).ifPresent(msg -> {
            throw MatrixException.tooLarge(msg);
        });
        try {
            authRules.check(event, v, state, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
        } catch (AuthFailure f) {
            throw MatrixException.forbidden(f.getMessage());
        }
    }

    /** Stores the event (caller holds the room lock) and advances the live room. */
    private StoredEvent persist(LiveRoom room, Event event, TxnKey txn, RoomStore.RoomRow newRoom, String redacts) {
        StateKey sk = event.isState() ? StateKey.of(event) : null;
        Long stateKeyId = sk == null ? null : store.stateKeyId(sk);
        Long replaces = sk == null ? null : room.state.get(sk);
        long nid = streamIds.allocate();
        StateHead newHead;
        boolean ok = false;
        try {
            // The store reads the state after the event only when it re-bases the snapshot chain: a
            // view over the live state, which itself changes only after the commit (readers of the
            // current state must never meet an event that is not committed, or that is rolled back).
            Map<StateKey, Long> stateAfter = sk == null ? room.state : new StateWith(room.state, sk, nid);
            newHead = store.persist(new RoomStore.Persist(event, nid, room.head, stateKeyId, stateAfter, replaces,
                    room.extremities, txn, newRoom, redacts));
            ok = true;
        } finally {
            if (!ok) {
                streamIds.finish(nid);
                // A failure reported at or after the commit (a connection lost while committing) may
                // still have stored the event: the head is re-read from the database on next use
                // rather than trusted to match it.
                rooms.invalidate(room.roomId);
            }
        }
        StoredEvent se = new StoredEvent(nid, event, room.head.snapshotId(), replaces, null);
        events.put(se);
        if (redacts != null) events.redacted(redacts);
        if (sk != null) room.state.put(sk, nid);
        room.head = newHead;
        room.extremities = List.of(event.eventId());
        room.depth = Math.max(room.depth, event.depth());
        room.lastNid = nid;
        if ("m.room.member".equals(event.type()) && event.membership() != null) room.setMembership(event.stateKey(), event.membership());
        // Only now may readers move past this position: the room head above is what they consult.
        streamIds.finish(nid);
        for (RoomEventListener listener : listeners) listener.persisted(room, se);
        return se;
    }

    /** A state map with one entry added or replaced, as a read-only view (no copy of a large room's state). */
    private static final class StateWith extends java.util.AbstractMap<StateKey, Long> {
        private final Map<StateKey, Long> base;
        private final StateKey key;
        private final Long value;
        private final boolean replaces;

        StateWith(Map<StateKey, Long> base, StateKey key, long value) {
            this.base = base;
            this.key = key;
            this.value = value;
            this.replaces = base.containsKey(key);
        }

        @Override
        public int size() { return base.size() + (replaces ? 0 : 1); }

        @Override
        public Long get(Object k) { return key.equals(k) ? value : base.get(k); }

        @Override
        public boolean containsKey(Object k) { return key.equals(k) || base.containsKey(k); }

        @Override
        public java.util.Set<Entry<StateKey, Long>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() { return StateWith.this.size(); }

                @Override
                public java.util.Iterator<Entry<StateKey, Long>> iterator() {
                    java.util.Iterator<Entry<StateKey, Long>> it = base.entrySet().iterator();
                    return new java.util.Iterator<>() {
                        private boolean extraDone = replaces;

                        @Override
                        public boolean hasNext() { return it.hasNext() || !extraDone; }

                        @Override
                        public Entry<StateKey, Long> next() {
                            if (it.hasNext()) {
                                Entry<StateKey, Long> e = it.next();
                                return key.equals(e.getKey()) ? Map.entry(key, value) : e;
                            }
                            if (extraDone) throw new java.util.NoSuchElementException();
                            extraDone = true;
                            return Map.entry(key, value);
                        }
                    };
                }
            };
        }
    }
}
