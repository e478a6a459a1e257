package org.myelin.ephemeral;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.config.Config;
import org.myelin.core.events.Event;
import org.myelin.core.filters.EventFilter;
import org.myelin.http.Json;
import org.myelin.metrics.Metrics;
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
import java.util.function.Function;
import java.util.function.LongSupplier;

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
 *
 * <p>Memory stays bounded by the users who are around: an entry that is offline with no status
 * message, no sync in progress and no contact for the offline timeout is evicted (its last
 * activity saved first), and a user without an entry is simply offline. Syncs that have not yet
 * seen the eviction's offline still get it, because each stream change holds the entry that made
 * it; entries with a status message stay, as they do across a restart.
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

    /** What users without an entry are: offline, no status message, at no position anyone waits for. */
    private static final Published IMPLICIT_OFFLINE = new Published(0, State.OFFLINE, null, false);

    /**
     * One user's live presence; fields are guarded by the object's monitor. An evicted entry is
     * out of the map and frozen: writers who find one retry with a fresh entry.
     */
    private static final class Entry {
        final String userId;
        State state = State.OFFLINE;
        String statusMsg;
        volatile long lastActiveTs;
        long lastContactTs;
        int syncs;
        long persistedActiveTs;
        String persistedStatus;
        volatile Published published = IMPLICIT_OFFLINE;
        boolean evicted;

        Entry(String userId) { this.userId = userId; }
    }

    /**
     * A stream entry: entry's presence changed, or (joinedRoom set) userId joined a room. The
     * entry is held even after its eviction, so that the log alone can serve every sync it covers.
     */
    private record Change(String userId, String joinedRoom, Entry entry) {}

    /** A presence to deliver, with the entry whose last activity goes with it (null: none known). */
    private record Seen(Published published, Entry entry) {}

    /** Above this many changed users in a sync's window, one set of the people it can see beats a room walk per user. */
    private static final int WALK_ROOMS_UP_TO = 64;

    private final Config.Presence settings;
    private final String serverName;
    private final RoomWriter writer;
    private final UserRooms userRooms;
    private final Notifier notifier;
    private final PresenceStore store;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final StreamLog<Change> changes = new StreamLog<>(LOG_CAPACITY);
    /**
     * No user without an entry changed after this position (the newest eviction, or the start:
     * everyone begins offline). Only syncs older than the log compare with it. Written by the sweeper.
     */
    private volatile long evictedUpTo;
    private final LongSupplier entriesGauge = () -> entries.size();
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
            evictedUpTo = start;
            for (PresenceStore.Row r : store.all()) {
                // Without a status message a stored user is what a missing entry says: offline.
                if (r.statusMsg() == null) continue;
                Entry e = new Entry(r.userId());
                e.statusMsg = r.statusMsg();
                e.persistedStatus = r.statusMsg();
                e.lastActiveTs = r.lastActiveTs();
                e.persistedActiveTs = r.lastActiveTs();
                e.published = new Published(start, State.OFFLINE, r.statusMsg(), false);
                entries.put(r.userId(), e);
            }
            Metrics.gauge("myelin_presence_entries", entriesGauge);
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
        long now = System.currentTimeMillis();
        boolean changed = update(userId, e -> {
            e.syncs++;
            e.lastContactTs = now;
            if (wanted == State.ONLINE && e.state == State.OFFLINE) {
                e.state = State.ONLINE;
                e.lastActiveTs = now;
            } else if (wanted == State.UNAVAILABLE) {
                e.state = State.UNAVAILABLE;
            }
            return maybePublish(e, now);
        });
        if (changed) wake(userId);
    }

    /** A /sync ended (however it ended). */
    public void syncEnded(String userId) {
        if (!settings.enabled()) return;
        update(userId, e -> {
            e.syncs = Math.max(0, e.syncs - 1);
            e.lastContactTs = System.currentTimeMillis();
            return null;
        });
    }

    /** The user did something: the last active time moves and an idle user is online again. */
    public void activity(String userId) {
        if (!settings.enabled()) return;
        long now = System.currentTimeMillis();
        boolean changed = update(userId, e -> {
            e.lastActiveTs = now;
            e.lastContactTs = now;
            if (e.state == State.UNAVAILABLE) e.state = State.ONLINE;
            Published p = e.published;
            // The common case: already published as online and currently active. Nothing to do.
            if (p.state() == State.ONLINE && p.currentlyActive() && e.state == State.ONLINE
                    && Objects.equals(p.statusMsg(), e.statusMsg)) {
                return false;
            }
            return maybePublish(e, now);
        });
        if (changed) wake(userId);
    }

    /** PUT /presence/{userId}/status: the state and status message (null clears it) the user chose. */
    public void set(String userId, State state, String statusMsg) {
        if (!settings.enabled()) return;
        long now = System.currentTimeMillis();
        PresenceStore.Row[] row = new PresenceStore.Row[1];
        boolean changed = update(userId, e -> {
            e.state = state;
            e.statusMsg = statusMsg;
            e.lastContactTs = now;
            if (state == State.ONLINE) e.lastActiveTs = now;
            if (!Objects.equals(e.persistedStatus, statusMsg) || e.persistedActiveTs != e.lastActiveTs) {
                row[0] = new PresenceStore.Row(userId, statusMsg, e.lastActiveTs);
                e.persistedStatus = statusMsg;
                e.persistedActiveTs = e.lastActiveTs;
            }
            return maybePublish(e, now);
        });
        if (row[0] != null) store.save(List.of(row[0]));
        if (changed) wake(userId);
    }

    // ------------------------------------------------------------------ reading

    /** GET /presence/{userId}/status for a user the caller may see. */
    public ObjectNode status(String userId) {
        ObjectNode o = Json.object();
        if (!settings.enabled()) {
            o.put("presence", State.OFFLINE.wire());
            return o;
        }
        Entry e = entries.get(userId);
        long now = System.currentTimeMillis();
        long lastActive = 0;
        if (e != null) {
            synchronized (e) {
                if (!e.evicted) {
                    o.put("presence", e.state.wire());
                    lastActive = e.lastActiveTs;
                    if (e.state == State.ONLINE) o.put("currently_active", now - e.lastActiveTs < ACTIVE_WINDOW_MS);
                    if (e.statusMsg != null) o.put("status_msg", e.statusMsg);
                }
            }
        }
        if (!o.has("presence")) o.put("presence", State.OFFLINE.wire());
        // Evicted (or restarted) users keep their last activity in the store; the spec does not
        // require last_active_ago, but it should not depend on when memory was last tidied.
        if (lastActive == 0) lastActive = store.get(userId).map(PresenceStore.Row::lastActiveTs).orElse(0L);
        if (lastActive > 0) o.put("last_active_ago", Math.max(0, now - lastActive));
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

    /**
     * Runs f on the user's entry under its monitor. When the sweeper evicted the entry between the
     * lookup and the lock, f runs on a fresh one instead, so no update lands on an evicted entry.
     */
    private <T> T update(String userId, Function<Entry, T> f) {
        while (true) {
            Entry e = entries.computeIfAbsent(userId, Entry::new);
            synchronized (e) {
                if (!e.evicted) return f.apply(e);
            }
        }
    }

    /** Publishes a new m.presence if what clients see changed. Holding e's monitor. */
    private boolean maybePublish(Entry e, long now) {
        boolean active = e.state == State.ONLINE && now - e.lastActiveTs < ACTIVE_WINDOW_MS;
        Published p = e.published;
        if (p.state() == e.state && Objects.equals(p.statusMsg(), e.statusMsg) && p.currentlyActive() == active) {
            return false;
        }
        State state = e.state;
        String msg = e.statusMsg;
        append(new Change(e.userId, null, e), pos -> e.published = new Published(pos, state, msg, active));
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

    /** Applies the idle and offline timeouts and the end of currently_active, and evicts who is gone. */
    void sweep(long now) {
        List<Entry> gone = new ArrayList<>();
        for (Entry e : entries.values()) {
            Published p = e.published;
            if (p.state() != State.OFFLINE || e.state != State.OFFLINE) {
                boolean changed = false;
                synchronized (e) {
                    if (!e.evicted) {
                        if (e.state != State.OFFLINE && e.syncs == 0 && now - e.lastContactTs >= settings.offlineTimeoutMs()) {
                            e.state = State.OFFLINE;
                        } else if (e.state == State.ONLINE && now - e.lastActiveTs >= settings.idleTimeoutMs()) {
                            e.state = State.UNAVAILABLE;
                        }
                        changed = maybePublish(e, now);
                    }
                }
                if (changed) wake(e.userId);
            }
            if (e.published.state() == State.OFFLINE) {
                synchronized (e) {
                    if (isGone(e, now)) gone.add(e);
                }
            }
        }
        if (!gone.isEmpty()) evict(gone, now);
    }

    /**
     * Whether nothing but the last activity is left to remember of a user: offline as published,
     * no status message, no sync in progress and no contact for the offline timeout. Holding e's monitor.
     */
    private boolean isGone(Entry e, long now) {
        Published p = e.published;
        return !e.evicted && e.state == State.OFFLINE && p.state() == State.OFFLINE && e.statusMsg == null && p.statusMsg() == null
                && e.syncs == 0 && now - e.lastContactTs >= settings.offlineTimeoutMs();
    }

    /**
     * Saves the last activity of the gone entries, then drops those still gone (a user who came
     * back meanwhile stays). Their offline publications stay readable through the stream log.
     * When the save fails nobody is dropped; the next sweep tries again.
     */
    private void evict(List<Entry> gone, long now) {
        List<PresenceStore.Row> rows = new ArrayList<>();
        long[] saved = new long[gone.size()];
        for (int i = 0; i < gone.size(); i++) {
            Entry e = gone.get(i);
            synchronized (e) {
                saved[i] = e.lastActiveTs;
                if (e.lastActiveTs != e.persistedActiveTs || e.persistedStatus != null) {
                    rows.add(new PresenceStore.Row(e.userId, null, e.lastActiveTs));
                }
            }
        }
        try {
            store.save(rows);
        } catch (RuntimeException ex) {
            log.warn("could not save the last activity of {} idle presence entries, keeping them: {}", rows.size(), ex.getMessage());
            return;
        }
        for (int i = 0; i < gone.size(); i++) {
            Entry e = gone.get(i);
            synchronized (e) {
                if (!isGone(e, now) || e.lastActiveTs != saved[i]) continue;
                e.evicted = true;
                entries.remove(e.userId, e);
                if (e.published.position() > evictedUpTo) evictedUpTo = e.published.position();
            }
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
        append(new Change(userId, roomId, null), pos -> {});
        Entry e = entries.get(userId);
        boolean republished = false;
        if (e != null) {
            synchronized (e) {
                Published p = e.published;
                if (!e.evicted && p.worthSending()) {
                    append(new Change(userId, null, e), pos -> e.published = new Published(pos, p.state(), p.statusMsg(), p.currentlyActive()));
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
        Map<String, Seen> out = new LinkedHashMap<>();
        if (!ctx.initial() && changes.covers(since)) {
            // Positions are consecutive, so upto - since is the number of changes in the window.
            if (upto - since > WALK_ROOMS_UP_TO && upto - since > peopleCount(ctx)) {
                fromPeople(ctx, since, upto, out);
            } else {
                fromLog(ctx, since, upto, out);
            }
        } else {
            fromMembers(ctx, since, upto, out);
        }
        EventFilter filter = ctx.filter().presence();
        long now = System.currentTimeMillis();
        boolean added = false;
        ArrayNode events = null;
        for (Map.Entry<String, Seen> en : out.entrySet()) {
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

    /**
     * An incremental sync the log covers: each user's newest change in the window, read through
     * the entry that made it (which may since have been evicted), and the members of the rooms
     * this user joined in the window.
     */
    private void fromLog(SyncContext ctx, long since, long upto, Map<String, Seen> out) {
        String me = ctx.userId();
        Map<String, Entry> changed = new LinkedHashMap<>();
        List<String> joined = new ArrayList<>();
        for (Change c : changes.view(since, upto)) {
            if (c.joinedRoom() == null) {
                changed.put(c.userId(), c.entry());
            } else if (c.userId().equals(me)) {
                joined.add(c.joinedRoom());
            }
        }
        Set<String> visible = changed.size() > WALK_ROOMS_UP_TO ? people(ctx) : null;
        for (Map.Entry<String, Entry> en : changed.entrySet()) {
            String u = en.getKey();
            boolean sees = visible != null ? visible.contains(u) : u.equals(me) || sharesRoom(ctx.rooms(), u);
            if (!sees) continue;
            // A newer publication than upto is left for the next sync, whose since will be upto.
            Published p = en.getValue().published;
            if (p.position() > since && p.position() <= upto) out.put(u, new Seen(p, en.getValue()));
        }
        for (String roomId : joined) membersOf(roomId, upto, out);
    }

    /**
     * An incremental sync the log covers, with more changes in its window than people this user
     * can see (say 10,000 users coming online, each syncing): looking at those people is cheaper
     * than collecting every change. Evicted users are sent offline if anyone was evicted since
     * (a superset, as for an old token); rooms joined in the window are found by a pass over the
     * log that only compares.
     */
    private void fromPeople(SyncContext ctx, long since, long upto, Map<String, Seen> out) {
        boolean evictedSince = since < evictedUpTo;
        for (String u : people(ctx)) {
            Entry e = entries.get(u);
            if (e == null) {
                if (evictedSince) out.put(u, new Seen(IMPLICIT_OFFLINE, null));
                continue;
            }
            Published p = e.published;
            if (p.position() > since && p.position() <= upto) out.put(u, new Seen(p, e));
        }
        String me = ctx.userId();
        for (Change c : changes.view(since, upto)) {
            if (c.joinedRoom() != null && c.userId().equals(me)) membersOf(c.joinedRoom(), upto, out);
        }
    }

    private long peopleCount(SyncContext ctx) {
        long people = 0;
        for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
            if ("join".equals(en.getValue())) people += writer.room(en.getKey()).map(r -> r.memberships().size()).orElse(0);
        }
        return people;
    }

    /**
     * An initial sync, or one older than the log: the presence worth sending of everyone this
     * user can see. For an old sync, what changed in between is unknown (joins, evictions), so it
     * gets that too, and offline for those without an entry if anyone was evicted since.
     */
    private void fromMembers(SyncContext ctx, long since, long upto, Map<String, Seen> out) {
        boolean initial = ctx.initial();
        boolean evictedSince = !initial && since < evictedUpTo;
        for (String u : people(ctx)) {
            Entry e = entries.get(u);
            Published p = e == null ? IMPLICIT_OFFLINE : e.published;
            if (p.position() > upto) continue;
            if (p.worthSending() || (!initial && p.position() > since)) {
                out.put(u, new Seen(p, e));
            } else if (evictedSince && p == IMPLICIT_OFFLINE) {
                out.put(u, new Seen(p, null));
            }
        }
    }

    /** This user and everyone who shares a joined room with them. */
    private Set<String> people(SyncContext ctx) {
        Set<String> people = new HashSet<>();
        people.add(ctx.userId());
        for (Map.Entry<String, String> en : ctx.rooms().entrySet()) {
            if (!"join".equals(en.getValue())) continue;
            writer.room(en.getKey()).ifPresent(room -> room.memberships().forEach((u, m) -> {
                if ("join".equals(m)) people.add(u);
            }));
        }
        return people;
    }

    private void membersOf(String roomId, long upto, Map<String, Seen> out) {
        writer.room(roomId).ifPresent(room -> room.memberships().forEach((u, m) -> {
            if (!"join".equals(m) || out.containsKey(u)) return;
            Entry e = entries.get(u);
            Published p = e == null ? null : e.published;
            if (p != null && p.position() <= upto && p.worthSending()) out.put(u, new Seen(p, e));
        }));
    }

    private ObjectNode content(String userId, Seen s, long now) {
        Published p = s.published();
        ObjectNode c = Json.object();
        c.put("presence", p.state().wire());
        // Not in the spec's schema, but what clients (matrix-js-sdk) read to find the user, as Synapse sends it.
        c.put("user_id", userId);
        long lastActive = s.entry() == null ? 0 : s.entry().lastActiveTs;
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
        Metrics.removeGauge("myelin_presence_entries", entriesGauge);
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
