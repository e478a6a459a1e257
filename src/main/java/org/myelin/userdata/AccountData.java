package org.myelin.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.metrics.Metrics;
import org.myelin.rooms.StreamIds;
import org.myelin.storage.AccountDataStore;
import org.myelin.sync.Notifier;
import org.myelin.sync.SyncContext;
import org.myelin.sync.SyncSource;
import org.myelin.users.UserIds;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Account data (spec "Client Config"), global and per room, with its own stream. Each user's data
 * is kept in memory once read (bounded cache), so /sync, the ignore list and GET are answered without
 * the database; a change writes one row, updates memory, then wakes the user's syncs. Writes for one
 * user are serialised (striped locks) so the stored and cached values always agree.
 *
 * <p>The ignore list ({@code m.ignored_user_list}) is parsed once per change and served from the same
 * cache, so /sync and /messages apply a changed list from the very next request.
 */
public final class AccountData implements SyncSource {
    public static final String IGNORED_USER_LIST = "m.ignored_user_list";
    public static final String FULLY_READ = "m.fully_read";
    public static final String TAG = "m.tag";
    /** Types the server manages: clients may read them but not set them (spec: 405 M_BAD_JSON). */
    public static final Set<String> SERVER_MANAGED = Set.of(FULLY_READ, "m.push_rules");
    private static final int STRIPES = 1024;
    private static final int MAX_TYPE_BYTES = 255;

    /** One entry; content is never modified after it is stored here (changes replace the entry). */
    private record Entry(ObjectNode content, long streamId) {}

    /** One user's account data. */
    private static final class UserData {
        final Map<String, Entry> global = new ConcurrentHashMap<>();
        final Map<String, Map<String, Entry>> rooms = new ConcurrentHashMap<>();
        volatile long maxStreamId;
        volatile Set<String> ignored = Set.of();

        Map<String, Entry> scope(String roomId) {
            return roomId == null ? global : rooms.computeIfAbsent(roomId, r -> new ConcurrentHashMap<>());
        }

        void put(String roomId, String type, Entry e) {
            scope(roomId).put(type, e);
            if (e.streamId > maxStreamId) maxStreamId = e.streamId;
            if (roomId == null && IGNORED_USER_LIST.equals(type)) ignored = parseIgnored(e.content);
        }
    }

    private final AccountDataStore store;
    private final StreamIds stream;
    /** Different users' writes commit out of stream order: a wake-up waits until syncs can read the write. */
    private final Notifier.Gate wake;
    private final Cache<String, UserData> cache = Metrics.cache("account_data",
            Caffeine.newBuilder().maximumSize(100_000).recordStats().build());
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public AccountData(AccountDataStore store, Notifier notifier) {
        this.store = store;
        this.stream = new StreamIds(store.maxStreamId());
        this.wake = notifier.gate(stream);
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    private ReentrantLock lock(String userId) { return locks[Math.floorMod(userId.hashCode(), STRIPES)]; }

    /** The user's data, loaded under the user's lock so that a load never races a write. */
    private UserData data(String userId) {
        UserData d = cache.getIfPresent(userId);
        if (d != null) return d;
        ReentrantLock l = lock(userId);
        l.lock();
        try {
            d = cache.getIfPresent(userId);
            if (d != null) return d;
            d = new UserData();
            for (AccountDataStore.Row r : store.all(userId)) {
                JsonNode n = Json.parse(r.content().getBytes(StandardCharsets.UTF_8));
                if (!(n instanceof ObjectNode o)) continue;
                d.put(AccountDataStore.GLOBAL.equals(r.roomId()) ? null : r.roomId(), r.type(), new Entry(o, r.streamId()));
            }
            cache.put(userId, d);
            return d;
        } finally {
            l.unlock();
        }
    }

    // ------------------------------------------------------------------ reading

    /** The content of one entry (roomId null for global data), as a copy the caller may change. */
    public Optional<ObjectNode> get(String userId, String roomId, String type) {
        UserData d = data(userId);
        Map<String, Entry> scope = roomId == null ? d.global : d.rooms.get(roomId);
        Entry e = scope == null ? null : scope.get(type);
        return e == null ? Optional.empty() : Optional.of(e.content.deepCopy());
    }

    /** The users this user ignores (from m.ignored_user_list); cached, never null. */
    public Set<String> ignoredUsers(String userId) { return data(userId).ignored; }

    // ------------------------------------------------------------------ writing

    /**
     * Sets account data on behalf of the client (PUT .../account_data/{type}): server-managed types
     * are refused and the ignore list is validated.
     */
    public void setByClient(String userId, String roomId, String type, ObjectNode content) {
        checkClientType(type);
        if (roomId == null && IGNORED_USER_LIST.equals(type)) validateIgnoreList(userId, content);
        update(userId, roomId, type, old -> content);
    }

    /**
     * Read-modify-write of one entry under the user's lock: fn gets the current content (a copy, or
     * null when unset) and returns the new content, or null to leave it unchanged. Returns whether it
     * changed. Used for tags and the fully read marker, and by {@link #setByClient}.
     */
    public boolean update(String userId, String roomId, String type, UnaryOperator<ObjectNode> fn) {
        ReentrantLock l = lock(userId);
        long id;
        l.lock();
        try {
            UserData d = data(userId);
            Map<String, Entry> scope = roomId == null ? d.global : d.rooms.get(roomId);
            Entry old = scope == null ? null : scope.get(type);
            ObjectNode next = fn.apply(old == null ? null : old.content.deepCopy());
            if (next == null) return false;
            String json = Json.writeString(next);
            id = stream.allocate();
            try {
                store.put(userId, roomId == null ? AccountDataStore.GLOBAL : roomId, type, json, id);
                // Readers only look up to the finished position, so the entry is in place before they can reach it.
                d.put(roomId, type, new Entry(next, id));
            } finally {
                stream.finish(id);
            }
        } finally {
            l.unlock();
        }
        wake.notifyUsersAt(id, List.of(userId));
        return true;
    }

    /** A type a client may set: well-formed and not managed by the server (405 M_BAD_JSON for those). */
    public static void checkClientType(String type) {
        checkType(type);
        if (SERVER_MANAGED.contains(type)) {
            throw new MatrixException(405, "M_BAD_JSON", "Cannot set " + type + " through this API: the server manages it");
        }
    }

    static void checkType(String type) {
        if (type == null || type.isEmpty()) throw MatrixException.invalidParam("The account data type must not be empty");
        if (type.indexOf('\0') >= 0) throw MatrixException.invalidParam("The account data type must not contain NUL characters");
        if (type.getBytes(StandardCharsets.UTF_8).length > MAX_TYPE_BYTES) {
            throw MatrixException.invalidParam("The account data type must not exceed " + MAX_TYPE_BYTES + " bytes");
        }
    }

    /** m.ignored_user_list: an ignored_users object mapping user IDs to objects, not containing the user. */
    static void validateIgnoreList(String userId, ObjectNode content) {
        JsonNode users = content.get("ignored_users");
        if (!(users instanceof ObjectNode map)) throw MatrixException.badJson("m.ignored_user_list needs an 'ignored_users' object");
        for (Map.Entry<String, JsonNode> en : map.properties()) {
            if (!UserIds.isValid(en.getKey())) throw MatrixException.invalidParam("Not a valid user ID: " + en.getKey());
            if (en.getKey().equals(userId)) throw MatrixException.invalidParam("You cannot ignore yourself");
            if (!en.getValue().isObject()) throw MatrixException.badJson("Each ignored user maps to an object");
        }
    }

    private static Set<String> parseIgnored(ObjectNode content) {
        JsonNode users = content.get("ignored_users");
        if (!(users instanceof ObjectNode map) || map.isEmpty()) return Set.of();
        Set<String> out = new HashSet<>();
        map.fieldNames().forEachRemaining(out::add);
        return Collections.unmodifiableSet(out);
    }

    // ------------------------------------------------------------------ /sync

    @Override
    public Slot slot() { return Slot.ACCOUNT_DATA; }

    @Override
    public long current() { return stream.current(); }

    /**
     * Global entries changed in (since, upto] go to the top-level account_data, room entries to
     * rooms.join[room].account_data for rooms the user is joined to; an initial sync (since 0) gets
     * everything. Only the latest value of an entry is kept, so each change is delivered once.
     */
    @Override
    public boolean contribute(SyncContext ctx, long since, long upto) {
        UserData d = data(ctx.userId());
        if (d.maxStreamId <= since) return false;
        SyncFilter f = ctx.filter();
        boolean added = false;
        for (Map.Entry<String, Entry> en : d.global.entrySet()) {
            Entry e = en.getValue();
            if (e.streamId <= since || e.streamId > upto || !f.accountData().matches(en.getKey(), ctx.userId())) continue;
            ctx.topLevelEvents("account_data").add(event(en.getKey(), e));
            added = true;
        }
        Map<String, String> memberships = ctx.rooms();
        for (Map.Entry<String, Map<String, Entry>> room : d.rooms.entrySet()) {
            String roomId = room.getKey();
            if (!"join".equals(memberships.get(roomId)) || !f.room().allowsRoom(roomId)) continue;
            ArrayNode target = null;
            for (Map.Entry<String, Entry> en : room.getValue().entrySet()) {
                Entry e = en.getValue();
                if (e.streamId <= since || e.streamId > upto) continue;
                if (!f.room().accountData().matches(roomId, en.getKey(), ctx.userId(), e.content)) continue;
                if (target == null) target = ctx.roomAccountData(roomId);
                target.add(event(en.getKey(), e));
                added = true;
            }
        }
        return added;
    }

    private static ObjectNode event(String type, Entry e) {
        ObjectNode o = Json.object();
        o.put("type", type);
        o.set("content", e.content);
        return o;
    }
}
