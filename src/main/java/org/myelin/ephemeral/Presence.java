package org.myelin.ephemeral;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.config.Config;
import org.myelin.core.events.Event;
import org.myelin.core.filters.EventFilter;
import org.myelin.http.Json;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomEventListener;
import org.myelin.rooms.RoomWriter;
import org.myelin.storage.PresenceStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.sync.Notifier;
import org.myelin.sync.SyncContext;
import org.myelin.sync.SyncSource;
import org.myelin.sync.UserRooms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Presence of local users (spec "Presence"), kept in memory; only each user's status message and
 * last activity are persisted (on PUT /presence and at shutdown), and after a restart everyone
 * starts offline until their clients sync again.
 *
 * <p>The rules:
 * <ul>
 *   <li>A /sync with {@code set_presence=online} (the default) brings an offline user online;
 *       {@code unavailable} marks them idle; {@code offline} changes nothing. Polling is not
 *       activity: it does not move the last active time.</li>
 *   <li>Activity is any authenticated request that changes something (every method but GET and
 *       HEAD) and PUT /presence with online: it moves the last active time and brings an
 *       unavailable user back online (an offline user stays offline until a sync or PUT).</li>
 *   <li>An online user with no activity for the idle timeout becomes unavailable; a user with no
 *       sync in progress and none ended, no PUT and no activity for the offline timeout becomes
 *       offline. A sweeper thread applies both.</li>
 *   <li>{@code currently_active} is true while an online user was active in the last minute. A
 *       new {@code m.presence} is published only when state, status message or currently_active
 *       changes, never for each bump of the last active time; {@code last_active_ago} is computed
 *       when an event is delivered, so it is always current.</li>
 *   <li>Presence goes to the user and to users who share a joined room with them; a user who
 *       joins a room receives the presence of its members and its members receive theirs.</li>
 * </ul>
 * With presence disabled (config {@code presence.enabled: false}) nothing is tracked or
 * delivered, PUT is accepted and ignored, and GET answers offline (as Synapse does).
 */
public final class Presence implements SyncSource, RoomEventListener, AutoCloseable {
    public static final long ACTIVE_WINDOW_MS = 60_000;
    public static final int MAX_STATUS_MSG_CHARS = 1024;
    private static final int LOG_CAPACITY = 65_536;
    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    public enum State {
        ONLINE, UNAVAILABLE, OFFLINE;

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        /** The state named by a client, or null for anything else. */
        public static State parse(String s) {
            if (s == null) return null;
            return switch (s) {
                case "online" -> ONLINE;
                case "unavailable" -> UNAVAILABLE;
                case "offline" -> OFFLINE;
                default -> null;
            };
        }
    }

    /** What the last m.presence of a user said, and its stream position. */
    private record Published(long position, State state, String statusMsg, boolean currentlyActive) {
        boolean worthSending() { return state != State.OFFLINE || statusMsg != null; }
    }

    /** One user's live presence; fields are guarded by the object's monitor. */
    private static final class Entry {
        final String userId;
        State state = State.OFFLINE;
        String statusMsg;
        volatile long lastActiveTs;
        long lastContactTs;
        int syncs;
        long persistedActiveTs;
        String persistedStatus;
        volatile Published published;

        Entry(String userId) { this.userId = userId; }
    }

    /** A stream entry: userId's presence changed, or (joinedRoom set) userId joined a room. */
    private record Change(String userId, String joinedRoom) {}

    /** A room a user joined, at a presence stream position: they are due its members' presence. */
    private record Joined(long position, String roomId) {}

    private static final int JOINS_KEPT = 32;

    private final Config.Presence settings;
    private final String serverName;
    private final RoomWriter writer;
    private final UserRooms userRooms;
    private final Notifier notifier;
    private final PresenceStore store;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Each user's recent joins (newest last, at most JOINS_KEPT); guarded by appendLock. */
    private final Map<String, List<Joined>> joins = new ConcurrentHashMap<>();
    private final StreamLog<Change> changes = new StreamLog<>(LOG_CAPACITY);
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread sweeper;
    private volatile boolean closed;

    public Presence(Config.Presence settings, String serverName, RoomWriter writer, UserRooms userRooms, Notifier notifier,
                    PresenceStore store) {
        this.settings = settings;
        this.serverName = serverName;
        this.writer = writer;
        this.userRooms = userRooms;
        this.notifier = notifier;
        this.store = store;
        if (settings.enabled()) {
            long start = changes.current();
            for (PresenceStore.Row r : store.all()) {
                Entry e = new Entry(r.userId());
                e.statusMsg = r.statusMsg();
                e.persistedStatus = r.statusMsg();
                e.lastActiveTs = r.lastActiveTs();
                e.persistedActiveTs = r.lastActiveTs();
                e.published = new Published(start, State.OFFLINE, r.statusMsg(), false);
                entries.put(r.userId(), e);
            }
            long tick = Math.clamp(Math.min(settings.idleTimeoutMs(), settings.offlineTimeoutMs()) / 4, 50, 5_000);
            sweeper = Thread.ofVirtual().name("presence-sweeper").start(() -> sweepLoop(tick));
        } else {
            sweeper = null;
        }
    }

    public boolean enabled() { return settings.enabled(); }

    // ------------------------------------------------------------------ inputs

    /** A /sync begins; setPresence is the request's set_presence (null means online). */
    public void syncStarted(String userId, String setPresence) {
        if (!settings.enabled()) return;
        State wanted = setPresence == null ? State.ONLINE : State.parse(setPresence);
        Entry e = entry(userId);
        long now = System.currentTimeMillis();
        boolean changed;
        synchronized (e) {
            e.syncs++;
            e.lastContactTs = now;
            if (wanted == State.ONLINE && e.state == State.OFFLINE) {
                e.state = State.ONLINE;
                e.lastActiveTs = now;
            } else if (wanted == State.UNAVAILABLE) {
                e.state = State.UNAVAILABLE;
            }
            changed = maybePublish(e, now);
        }
        if (changed) wake(userId);
    }

    /** A /sync ended (however it ended). */
    public void syncEnded(String userId) {
        if (!settings.enabled()) return;
        Entry e = entry(userId);
        synchronized (e) {
            e.syncs = Math.max(0, e.syncs - 1);
            e.lastContactTs = System.currentTimeMillis();
        }
    }

    /** The user did something: the last active time moves and an idle user is online again. */
    public void activity(String userId) {
        if (!settings.enabled()) return;
        Entry e = entry(userId);
        long now = System.currentTimeMillis();
        boolean changed;
        synchronized (e) {
            e.lastActiveTs = now;
            e.lastContactTs = now;
            if (e.state == State.UNAVAILABLE) e.state = State.ONLINE;
            Published p = e.published;
            // The common case: already published as online and currently active. Nothing to do.
            if (p != null && p.state() == State.ONLINE && p.currentlyActive() && e.state == State.ONLINE
                    && Objects.equals(p.statusMsg(), e.statusMsg)) {
                return;
            }
            changed = maybePublish(e, now);
        }
        if (changed) wake(userId);
    }

    /** PUT /presence/{userId}/status: the state and status message (null clears it) the user chose. */
    public void set(String userId, State state, String statusMsg) {
        if (!settings.enabled()) return;
        Entry e = entry(userId);
        long now = System.currentTimeMillis();
        boolean changed;
        PresenceStore.Row row = null;
        synchronized (e) {
            e.state = state;
            e.statusMsg = statusMsg;
            e.lastContactTs = now;
            if (state == State.ONLINE) e.lastActiveTs = now;
            changed = maybePublish(e, now);
            if (!Objects.equals(e.persistedStatus, statusMsg) || e.persistedActiveTs != e.lastActiveTs) {
                row = new PresenceStore.Row(userId, statusMsg, e.lastActiveTs);
                e.persistedStatus = statusMsg;
                e.persistedActiveTs = e.lastActiveTs;
            }
        }
        if (row != null) store.save(List.of(row));
        if (changed) wake(userId);
    }

    // ------------------------------------------------------------------ reading

    /** GET /presence/{userId}/status for a user the caller may see. */
    public ObjectNode status(String userId) {
        ObjectNode o = Json.object();
        Entry e = settings.enabled() ? entries.get(userId) : null;
        if (e == null) {
            o.put("presence", State.OFFLINE.wire());
            return o;
        }
        long now = System.currentTimeMillis();
        synchronized (e) {
            o.put("presence", e.state.wire());
            if (e.lastActiveTs > 0) o.put("last_active_ago", Math.max(0, now - e.lastActiveTs));
            if (e.state == State.ONLINE) o.put("currently_active", now - e.lastActiveTs < ACTIVE_WINDOW_MS);
            if (e.statusMsg != null) o.put("status_msg", e.statusMsg);
        }
        return o;
    }

    /** Whether observer may see target's presence: themself, or they share a joined room. */
    public boolean canSee(String observer, String target) {
        if (observer.equals(target)) return true;
        return sharesRoom(userRooms.of(observer), target);
    }

    private boolean sharesRoom(Map<String, String> observerRooms, String target) {
        for (Map.Entry<String, String> en : observerRooms.entrySet()) {
            if (!"join".equals(en.getValue())) continue;
            LiveRoom room = writer.room(en.getKey()).orElse(null);
            if (room != null && "join".equals(room.memberships().get(target))) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ state machine

    private Entry entry(String userId) { return entries.computeIfAbsent(userId, Entry::new); }

    /** Publishes a new m.presence if what clients see changed. Holding e's monitor. */
    private boolean maybePublish(Entry e, long now) {
        boolean active = e.state == State.ONLINE && now - e.lastActiveTs < ACTIVE_WINDOW_MS;
        Published p = e.published;
        if (p != null && p.state() == e.state && Objects.equals(p.statusMsg(), e.statusMsg) && p.currentlyActive() == active) {
            return false;
        }
        State state = e.state;
        String msg = e.statusMsg;
        append(new Change(e.userId, null), pos -> e.published = new Published(pos, state, msg, active));
        return true;
    }

    private void append(Change c, java.util.function.LongConsumer apply) {
        appendLock.lock();
        try {
            changes.append(c, apply);
        } finally {
            appendLock.unlock();
        }
    }

    /** Wakes the syncs of the user and of everyone who shares a joined room with them. */
    private void wake(String userId) {
        if (closed) return;
        fanout.execute(() -> {
            Set<String> users = new HashSet<>();
            users.add(userId);
            for (Map.Entry<String, String> en : userRooms.of(userId).entrySet()) {
                if (!"join".equals(en.getValue())) continue;
                writer.room(en.getKey()).ifPresent(room -> room.memberships().forEach((u, m) -> {
                    if ("join".equals(m)) users.add(u);
                }));
            }
            notifier.notifyUsers(users);
        });
    }

    private void sweepLoop(long tickMs) {
        while (!closed) {
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException ie) {
                return;
            }
            try {
                sweep(System.currentTimeMillis());
            } catch (RuntimeException ex) {
                log.warn("presence sweep failed", ex);
            }
        }
    }

    /** Applies the idle and offline timeouts and the end of currently_active. */
    void sweep(long now) {
        for (Entry e : entries.values()) {
            Published p = e.published;
            if (p != null && p.state() == State.OFFLINE && e.state == State.OFFLINE) continue;
            boolean changed;
            synchronized (e) {
                if (e.state != State.OFFLINE && e.syncs == 0 && now - e.lastContactTs >= settings.offlineTimeoutMs()) {
                    e.state = State.OFFLINE;
                } else if (e.state == State.ONLINE && now - e.lastActiveTs >= settings.idleTimeoutMs()) {
                    e.state = State.UNAVAILABLE;
                }
                changed = maybePublish(e, now);
            }
            if (changed) wake(e.userId);
        }
    }

    // ------------------------------------------------------------------ room events

    /**
     * A local user joined a room: they get the presence of its members (a stream entry only they
     * read), and the members get theirs (republished at a new position).
     */
    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        if (!settings.enabled() || closed) return;
        Event ev = se.event();
        if (!"m.room.member".equals(ev.type()) || !"join".equals(ev.membership())) return;
        String userId = ev.stateKey();
        if (userId == null || !userId.endsWith(":" + serverName)) return;
        String roomId = room.roomId();
        append(new Change(userId, roomId), pos -> {
            List<Joined> mine = new ArrayList<>(joins.getOrDefault(userId, List.of()));
            mine.add(new Joined(pos, roomId));
            if (mine.size() > JOINS_KEPT) mine.remove(0);
            joins.put(userId, List.copyOf(mine));
        });
        Entry e = entries.get(userId);
        boolean republished = false;
        if (e != null) {
            synchronized (e) {
                Published p = e.published;
                if (p != null && p.worthSending()) {
                    append(new Change(userId, null), pos -> e.published = new Published(pos, p.state(), p.statusMsg(), p.currentlyActive()));
                    republished = true;
                }
            }
        }
        if (republished) {
            wake(userId);
        } else {
            notifier.notifyUser(userId);
        }
    }

    // ------------------------------------------------------------------ sync

    @Override
    public Slot slot() { return Slot.PRESENCE; }

    @Override
    public long current() { return changes.current(); }

    @Override
    public boolean contribute(SyncContext ctx, long since, long upto) {
        if (!settings.enabled()) return false;
        String me = ctx.userId();
        Map<String, Published> out = new LinkedHashMap<>();
        boolean useLog = !ctx.initial() && changes.covers(since);
        if (useLog && upto - since > 64) {
            // Many changes since the token (positions are consecutive): when they outnumber the
            // people this user can see, looking at those people is cheaper than reading the changes.
            long people = 0;
            for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
                if ("join".equals(en.getValue())) people += writer.room(en.getKey()).map(r -> r.memberships().size()).orElse(0);
            }
            useLog = upto - since <= people;
        }
        if (useLog) {
            Set<String> checked = new HashSet<>();
            for (Change c : changes.between(since, upto)) {
                if (c.joinedRoom() != null) continue;
                if (checked.add(c.userId()) && (c.userId().equals(me) || sharesRoom(ctx.rooms(), c.userId()))) {
                    Entry e = entries.get(c.userId());
                    Published p = e == null ? null : e.published;
                    if (p != null && p.position() > since && p.position() <= upto) out.put(c.userId(), p);
                }
            }
        } else {
            Set<String> candidates = new HashSet<>();
            candidates.add(me);
            for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
                if (!"join".equals(en.getValue())) continue;
                writer.room(en.getKey()).ifPresent(room -> room.memberships().forEach((u, m) -> {
                    if ("join".equals(m)) candidates.add(u);
                }));
            }
            for (String u : candidates) {
                Entry e = entries.get(u);
                Published p = e == null ? null : e.published;
                if (p == null || p.position() > upto) continue;
                if (ctx.initial() ? p.worthSending() : p.position() > since) out.put(u, p);
            }
        }
        if (!ctx.initial()) {
            for (Joined j : joins.getOrDefault(me, List.of())) {
                if (j.position() > since && j.position() <= upto) membersOf(j.roomId(), upto, out);
            }
        }
        EventFilter filter = ctx.filter().presence();
        long now = System.currentTimeMillis();
        boolean added = false;
        ArrayNode events = null;
        for (Map.Entry<String, Published> en : out.entrySet()) {
            if (!filter.matches("m.presence", en.getKey())) continue;
            if (events == null) events = ctx.topLevelEvents("presence");
            ObjectNode ev = events.addObject();
            ev.put("type", "m.presence");
            ev.put("sender", en.getKey());
            ev.set("content", content(en.getKey(), en.getValue(), now));
            added = true;
        }
        return added;
    }

    private void membersOf(String roomId, long upto, Map<String, Published> out) {
        writer.room(roomId).ifPresent(room -> room.memberships().forEach((u, m) -> {
            if (!"join".equals(m) || out.containsKey(u)) return;
            Entry e = entries.get(u);
            Published p = e == null ? null : e.published;
            if (p != null && p.position() <= upto && p.worthSending()) out.put(u, p);
        }));
    }

    private ObjectNode content(String userId, Published p, long now) {
        ObjectNode c = Json.object();
        c.put("presence", p.state().wire());
        // Not in the spec's schema, but what clients (matrix-js-sdk) read to find the user, as Synapse sends it.
        c.put("user_id", userId);
        Entry e = entries.get(userId);
        long lastActive = e == null ? 0 : e.lastActiveTs;
        if (lastActive > 0) c.put("last_active_ago", Math.max(0, now - lastActive));
        if (p.state() == State.ONLINE) c.put("currently_active", p.currentlyActive());
        if (p.statusMsg() != null) c.put("status_msg", p.statusMsg());
        return c;
    }

    // ------------------------------------------------------------------ shutdown

    /** Stops the sweeper and saves every last active time that changed since it was last saved. */
    @Override
    public void close() {
        closed = true;
        if (sweeper != null) sweeper.interrupt();
        fanout.shutdownNow();
        if (!settings.enabled()) return;
        List<PresenceStore.Row> rows = new ArrayList<>();
        for (Entry e : entries.values()) {
            synchronized (e) {
                if (e.lastActiveTs != e.persistedActiveTs || !Objects.equals(e.statusMsg, e.persistedStatus)) {
                    rows.add(new PresenceStore.Row(e.userId, e.statusMsg, e.lastActiveTs));
                }
            }
        }
        try {
            store.save(rows);
        } catch (RuntimeException ex) {
            log.warn("could not save presence at shutdown: {}", ex.getMessage());
        }
    }
}
