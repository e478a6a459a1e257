package org.myelin.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.core.filters.RoomEventFilter;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Json;
import org.myelin.rooms.ClientEvents;
import org.myelin.rooms.EventCache;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.RoomWriter;
import org.myelin.rooms.StateSnapshots;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Builds /sync responses. The cost of an incremental sync follows what changed: rooms whose newest
 * event is not past the since token are skipped using in-memory room heads, with no query per room.
 * A sync that finds nothing parks on the {@link Notifier} until something arrives or it times out.
 */
public final class SyncService {
    private static final int DEFAULT_TIMELINE_LIMIT = 10;
    /** How long a sync waits for in-flight writes to commit, so that a client always sees its own writes. */
    private static final long SETTLE_WAIT_MS = 1000;
    private static final Set<String> STRIPPED_STATE_TYPES = Set.of("m.room.create", "m.room.join_rules", "m.room.name",
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    public record Request(String userId, String deviceId, SyncToken since, SyncFilter filter, boolean fullState, long timeoutMs) {}

    private final RoomWriter writer;
    private final RoomStore store;
    private final EventCache events;
    private final StateSnapshots snapshots;
    private final RoomVisibility visibility;
    private final ClientEvents render;
    private final UserRooms userRooms;
    private final Notifier notifier;
    private final List<SyncSource> sources = new CopyOnWriteArrayList<>();
    private volatile Function<String, Set<String>> ignoredUsers = u -> Set.of();
    /** Member events already sent to a device, per room, for lazy-loading without redundancy. */
    private final Cache<String, Set<String>> lazySent = Caffeine.newBuilder().maximumSize(200_000).build();

    public SyncService(RoomWriter writer, RoomStore store, EventCache events, StateSnapshots snapshots, RoomVisibility visibility,
                       ClientEvents render, UserRooms userRooms, Notifier notifier) {
        this.writer = writer;
        this.store = store;
        this.events = events;
        this.snapshots = snapshots;
        this.visibility = visibility;
        this.render = render;
        this.userRooms = userRooms;
        this.notifier = notifier;
        // Room-event wake-ups wait until this sync's readable position reaches the event.
        notifier.watch(writer.streamIds());
    }

    public void addSource(SyncSource s) { sources.add(s); }

    public void setIgnoredUsers(Function<String, Set<String>> f) { this.ignoredUsers = f; }

    /** Each user's rooms and membership, kept current by the room write path. */
    public UserRooms userRooms() { return userRooms; }

    public SyncToken currentToken() {
        long[] v = new long[SyncSource.Slot.values().length];
        for (SyncSource s : sources) v[s.slot().ordinal()] = s.current();
        return new SyncToken(writer.streamIds().settled(SETTLE_WAIT_MS), v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    private static long slot(SyncToken t, SyncSource.Slot s) {
        return switch (s) {
            case ACCOUNT_DATA -> t.accountData();
            case RECEIPTS -> t.receipts();
            case TYPING -> t.typing();
            case PRESENCE -> t.presence();
            case TO_DEVICE -> t.toDevice();
            case DEVICE_LISTS -> t.deviceLists();
        };
    }

    private static SyncToken withSlot(SyncToken t, SyncSource.Slot s, long v) {
        return switch (s) {
            case ACCOUNT_DATA -> new SyncToken(t.events(), v, t.receipts(), t.typing(), t.presence(), t.toDevice(), t.deviceLists());
            case RECEIPTS -> new SyncToken(t.events(), t.accountData(), v, t.typing(), t.presence(), t.toDevice(), t.deviceLists());
            case TYPING -> new SyncToken(t.events(), t.accountData(), t.receipts(), v, t.presence(), t.toDevice(), t.deviceLists());
            case PRESENCE -> new SyncToken(t.events(), t.accountData(), t.receipts(), t.typing(), v, t.toDevice(), t.deviceLists());
            case TO_DEVICE -> new SyncToken(t.events(), t.accountData(), t.receipts(), t.typing(), t.presence(), v, t.deviceLists());
            case DEVICE_LISTS -> new SyncToken(t.events(), t.accountData(), t.receipts(), t.typing(), t.presence(), t.toDevice(), v);
        };
    }

    public ObjectNode sync(Request req) {
        long deadline = System.currentTimeMillis() + Math.max(0, req.timeoutMs());
        if (req.since() != null) {
            for (SyncSource s : sources) s.acknowledge(req.userId(), req.deviceId(), slot(req.since(), s.slot()));
        }
        try (Notifier.Listener wake = notifier.listen(req.userId())) {
            while (true) {
                long seen = wake.version();
                SyncToken now = currentToken();
                Built b = build(req, now);
                long remaining = deadline - System.currentTimeMillis();
                if (b.hasContent || req.since() == null || req.fullState() || remaining <= 0) return b.response;
                wake.await(seen, remaining);
                if (wake.version() == seen) {
                    // Timed out with nothing new: answer with the position we have reached.
                    return build(req, currentToken()).response;
                }
            }
        }
    }

    private record Built(ObjectNode response, boolean hasContent) {}

    private Built build(Request req, SyncToken now) {
        ObjectNode resp = Json.object();
        resp.put("next_batch", now.toString());
        boolean initial = req.since() == null;
        long since = initial ? 0 : req.since().events();
        long upto = now.events();
        SyncFilter filter = req.filter();
        Map<String, String> rooms = userRooms.of(req.userId());
        Set<String> ignored = ignoredUsers.apply(req.userId());
        boolean content = false;
        ObjectNode join = Json.object(), invite = Json.object(), leave = Json.object(), knock = Json.object();
        if (upto > since || req.fullState()) {
            for (Map.Entry<String, String> en : rooms.entrySet()) {
                String roomId = en.getKey();
                if (!filter.room().allowsRoom(roomId)) continue;
                LiveRoom room = writer.room(roomId).orElse(null);
                if (room == null) continue;
                if (!initial && room.lastNid() <= since && !req.fullState()) continue;
                StoredEvent member = memberAt(room, req.userId(), upto);
                if (member == null || member.event().membership() == null) continue;
                long memberNid = member.nid();
                boolean membershipNew = memberNid > since;
                switch (member.event().membership()) {
                    case "join" -> {
                        ObjectNode r = joinedRoom(req, room, initial || !joinedThroughout(member, since), since, upto, ignored);
                        if (r != null) {
                            join.set(roomId, r);
                            content = true;
                        }
                    }
                    case "invite" -> {
                        // Invites from ignored users are not delivered at all.
                        if ((initial || membershipNew) && !isIgnoredInvite(memberNid, ignored)) {
                            invite.set(roomId, strippedSection(room, memberNid, "invite_state", req.userId()));
                            content = true;
                        }
                    }
                    case "knock" -> {
                        if (initial || membershipNew) {
                            knock.set(roomId, strippedSection(room, memberNid, "knock_state", req.userId()));
                            content = true;
                        }
                    }
                    case "leave", "ban" -> {
                        boolean include = initial ? filter.room().includeLeave() : membershipNew;
                        if (include && !store.isForgotten(roomId, req.userId())) {
                            ObjectNode r = leftRoom(req, room, member, initial, since, ignored);
                            if (r != null) {
                                leave.set(roomId, r);
                                content = true;
                            }
                        }
                    }
                    default -> { }
                }
            }
        }
        ObjectNode roomsNode = resp.putObject("rooms");
        roomsNode.set("join", join);
        roomsNode.set("invite", invite);
        roomsNode.set("leave", leave);
        roomsNode.set("knock", knock);
        SyncContext ctx = new SyncContext(req.userId(), req.deviceId(), initial, filter, resp, rooms);
        for (SyncSource s : sources) {
            long from = initial ? 0 : slot(req.since(), s.slot());
            long to = slot(now, s.slot());
            if (initial || to > from) content |= s.contribute(ctx, from, to);
        }
        if (!ctx.reached().isEmpty()) {
            SyncToken next = now;
            for (Map.Entry<SyncSource.Slot, Long> en : ctx.reached().entrySet()) next = withSlot(next, en.getKey(), en.getValue());
            resp.put("next_batch", next.toString());
        }
        if (!resp.has("account_data")) resp.putObject("account_data").putArray("events");
        if (!resp.has("presence")) resp.putObject("presence").putArray("events");
        if (!resp.has("to_device")) resp.putObject("to_device").putArray("events");
        if (!resp.has("device_lists")) {
            ObjectNode dl = resp.putObject("device_lists");
            dl.putArray("changed");
            dl.putArray("left");
        }
        if (!resp.has("device_one_time_keys_count")) resp.putObject("device_one_time_keys_count");
        if (!resp.has("device_unused_fallback_key_types")) resp.putArray("device_unused_fallback_key_types");
        return new Built(resp, content);
    }

    /**
     * The user's member event as of stream position upto: the current one, or, when that was
     * written after upto (it committed, or is committing, while this sync is being built), the one
     * it replaced. The live state may name an event whose transaction has not committed yet; the
     * stored membership is then the committed one.
     */
    private StoredEvent memberAt(LiveRoom room, String userId, long upto) {
        Long nid = room.stateNid("m.room.member", userId);
        while (nid != null) {
            StoredEvent m = events.byNid(nid);
            if (m == null) {
                Long committed = store.membership(room.roomId(), userId).map(RoomStore.Member::nid).orElse(null);
                if (committed == null || committed.equals(nid)) return null;
                nid = committed;
                continue;
            }
            if (nid <= upto) return m;
            nid = m.replacesNid();
        }
        return null;
    }

    /**
     * Whether the user was joined at position since and stayed joined up to this member event
     * (profile changes are join -> join). If not, the room is new to the client: a fresh timeline
     * and full state, as in an initial sync.
     */
    private boolean joinedThroughout(StoredEvent member, long since) {
        StoredEvent m = member;
        while (m != null && "join".equals(m.event().membership())) {
            if (m.nid() <= since) return true;
            m = m.replacesNid() == null ? null : events.byNid(m.replacesNid());
        }
        return false;
    }

    private boolean isIgnoredInvite(long memberNid, Set<String> ignored) {
        StoredEvent m = events.byNid(memberNid);
        return m != null && ignored.contains(m.event().sender());
    }

    static void emptyJoinedRoom(ObjectNode r) {
        ObjectNode tl = r.putObject("timeline");
        tl.putArray("events");
        tl.put("limited", false);
        r.putObject("state").putArray("events");
        r.putObject("ephemeral").putArray("events");
        r.putObject("account_data").putArray("events");
        ObjectNode un = r.putObject("unread_notifications");
        un.put("notification_count", 0);
        un.put("highlight_count", 0);
    }

    // ------------------------------------------------------------------ joined rooms

    /**
     * rooms.join[roomId], or null when nothing changed. A room new to the user (initial sync, or
     * joined since the last one) gets a timeline reaching back before since and its full state;
     * full_state gives the full state but still only the timeline after since (spec).
     */
    private ObjectNode joinedRoom(Request req, LiveRoom room, boolean newToUser, long since, long upto, Set<String> ignored) {
        RoomEventFilter tf = req.filter().room().timeline();
        int limit = tf.limit(DEFAULT_TIMELINE_LIMIT);
        long lower = newToUser ? 0 : since;
        boolean fresh = newToUser || req.fullState();
        Timeline tl = timeline(req.userId(), room, lower, upto, limit, tf, ignored, newToUser);
        List<StoredEvent> hidden = hiddenChanges(tl, fresh || tl.limited ? null : since, req.filter().room().state());
        if (!fresh && tl.events.isEmpty() && hidden.isEmpty()) return null;
        ObjectNode r = Json.object();
        emptyJoinedRoom(r);
        // Per-thread counts are requested by the filter; until push lands every count is zero, and
        // threads with nothing unread are left out, so the map is empty.
        if (req.filter().room().timeline().unreadThreadNotifications()) r.putObject("unread_thread_notifications");
        ObjectNode timeline = (ObjectNode) r.get("timeline");
        timeline.set("events", renderEvents(req, tl.events));
        timeline.put("limited", tl.limited);
        timeline.put("prev_batch", PaginationToken.of(tl.events.isEmpty() ? upto + 1 : tl.events.get(0).nid()));

        Map<StateKey, Long> startState = tl.events.isEmpty() ? stateAtPosition(room, upto) : snapshots.before(tl.events.get(0));
        Map<StateKey, Long> sinceState = !fresh && tl.limited ? stateAtPosition(room, since) : null;
        boolean membersChanged = fresh || tl.events.stream().anyMatch(e -> "m.room.member".equals(e.event().type()))
                || hidden.stream().anyMatch(e -> "m.room.member".equals(e.event().type()))
                || sinceState != null && membersDiffer(startState, sinceState);
        List<String> heroes = membersChanged ? heroes(room, req.userId()) : null;
        List<StoredEvent> state;
        if (fresh || tl.limited) {
            state = stateEventsOf(startState, req, room, tl.events, sinceState, fresh, heroes);
        } else {
            state = lazyMembersOnly(startState, req, room, tl.events, heroes);
        }
        state = withHidden(state, hidden);
        ((ObjectNode) r.get("state")).set("events", renderEvents(req, state));
        if (membersChanged) r.set("summary", summary(room, heroes));
        return r;
    }

    /**
     * hidden: state events the filter kept out of the scanned part of the window that are the
     * newest of their state key there, i.e. the room state at the window's end, newest first.
     */
    private record Timeline(List<StoredEvent> events, boolean limited, List<StoredEvent> hidden) {}

    /**
     * The newest events of the window (lower, upper] that pass the filter, visibility and ignore
     * list, oldest first, plus whether older matching events were left out (or may have been: a
     * scan that gives up before reaching lower reports limited, so the client paginates). State
     * changes the filter hides are noted on the way, as the state section must carry them.
     */
    private Timeline timeline(String userId, LiveRoom room, long lower, long upper, int limit, RoomEventFilter filter,
                              Set<String> ignored, boolean checkVisibility) {
        List<StoredEvent> picked = new ArrayList<>();
        long cursor = upper + 1;
        boolean limited = false;
        boolean exhausted = false;
        int batch = (int) Math.min(200, limit + 1L); // a filter's limit may be Integer.MAX_VALUE
        Set<StateKey> stateSeen = null; // allocated only for windows with state events
        List<StoredEvent> hidden = List.of();
        for (int round = 0; round < 50 && !limited && !exhausted; round++) {
            long stamp = events.loadStamp();
            List<StoredEvent> page = store.roomEvents(room.roomId(), cursor, lower + 1, false, batch);
            for (StoredEvent se : page) {
                events.putLoaded(se, stamp);
                cursor = se.nid();
                // Newest first: the first event of a state key met is the key's state at the window's end.
                boolean endState = false;
                if (se.event().isState()) {
                    if (stateSeen == null) stateSeen = new HashSet<>();
                    endState = stateSeen.add(StateKey.of(se.event()));
                }
                if (!filter.matches(se.event())) {
                    if (endState && (!checkVisibility || visibility.canSee(userId, se))) {
                        if (hidden.isEmpty()) hidden = new ArrayList<>();
                        hidden.add(se);
                    }
                    continue;
                }
                if (!se.event().isState() && ignored.contains(se.event().sender())) continue;
                if (checkVisibility && !visibility.canSee(userId, se)) continue;
                if (picked.size() == limit) {
                    limited = true;
                    break;
                }
                picked.add(se);
            }
            exhausted = page.size() < batch;
            batch = Math.min(500, batch * 2);
        }
        Collections.reverse(picked);
        return new Timeline(picked, limited || !exhausted, hidden);
    }

    /**
     * The filtered-out state changes the state section must add, as far as the state filter admits
     * them. A state section built from the state at the timeline's start (coveredFrom null: a
     * fresh or limited sync) lacks those after the timeline's first event; one that carries no
     * state changes (a non-limited incremental sync, whose scan saw the whole window) lacks all
     * those after since. Without them a client that filters, say, m.room.topic out of its timeline
     * would never learn the topic. Synapse sends the same: the state at the window's end compared
     * with since, minus the timeline.
     */
    private static List<StoredEvent> hiddenChanges(Timeline tl, Long coveredFrom, RoomEventFilter sf) {
        if (tl.hidden.isEmpty()) return List.of();
        long after = coveredFrom != null ? coveredFrom : tl.events.isEmpty() ? Long.MAX_VALUE : tl.events.get(0).nid();
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent se : tl.hidden) if (se.nid() > after && sf.matches(se.event())) out.add(se);
        return out;
    }

    /**
     * The state section with the hidden changes, one event per state key (a hidden change is newer
     * than the event of its key at the timeline's start), in stream order.
     */
    private static List<StoredEvent> withHidden(List<StoredEvent> state, List<StoredEvent> hidden) {
        if (hidden.isEmpty()) return state;
        Map<StateKey, StoredEvent> byKey = new HashMap<>();
        for (StoredEvent se : state) byKey.put(StateKey.of(se.event()), se);
        for (StoredEvent se : hidden) byKey.put(StateKey.of(se.event()), se);
        List<StoredEvent> out = new ArrayList<>(byKey.values());
        out.sort((a, b) -> Long.compare(a.nid(), b.nid()));
        return out;
    }

    /** The room's state at a stream position: the state before its first event after that position. */
    private Map<StateKey, Long> stateAtPosition(LiveRoom room, long position) {
        List<StoredEvent> next = store.roomEvents(room.roomId(), position, Long.MAX_VALUE, true, 1);
        if (next.isEmpty()) return room.state();
        return snapshots.before(next.get(0));
    }

    private static boolean membersDiffer(Map<StateKey, Long> a, Map<StateKey, Long> b) {
        for (Map.Entry<StateKey, Long> en : a.entrySet()) {
            if ("m.room.member".equals(en.getKey().type()) && !en.getValue().equals(b.get(en.getKey()))) return true;
        }
        for (StateKey k : b.keySet()) if ("m.room.member".equals(k.type()) && !a.containsKey(k)) return true;
        return false;
    }

    /**
     * State events to send: the state at timeline start, minus what the client already has (when
     * sinceState is given). Under lazy loading, member events are reduced to those the client
     * needs (timeline senders, heroes, the user) plus, on a limited sync, every member event that
     * changed in the gap, as the spec requires.
     */
    private List<StoredEvent> stateEventsOf(Map<StateKey, Long> startState, Request req, LiveRoom room,
                                            List<StoredEvent> timeline, Map<StateKey, Long> sinceState, boolean fresh,
                                            List<String> heroes) {
        RoomEventFilter sf = req.filter().room().state();
        boolean lazy = sf.lazyLoadMembers();
        Set<String> wanted = lazy ? lazyMembers(req, room, timeline, heroes, fresh) : null;
        Set<Long> inTimeline = new HashSet<>();
        for (StoredEvent se : timeline) inTimeline.add(se.nid());
        List<Long> nids = new ArrayList<>();
        for (Map.Entry<StateKey, Long> en : startState.entrySet()) {
            StateKey k = en.getKey();
            if (inTimeline.contains(en.getValue())) continue;
            boolean changed = sinceState == null || !en.getValue().equals(sinceState.get(k));
            boolean isMember = "m.room.member".equals(k.type());
            if (lazy && isMember) {
                if (!wanted.contains(k.stateKey()) && !(sinceState != null && changed)) continue;
            } else if (!changed) {
                continue;
            }
            nids.add(en.getValue());
        }
        Map<Long, StoredEvent> loaded = events.byNids(nids);
        List<StoredEvent> out = new ArrayList<>();
        for (Long n : nids) {
            StoredEvent se = loaded.get(n);
            if (se != null && sf.matches(se.event())) out.add(se);
        }
        out.sort((a, b) -> Long.compare(a.nid(), b.nid()));
        return out;
    }

    private List<StoredEvent> lazyMembersOnly(Map<StateKey, Long> startState, Request req, LiveRoom room, List<StoredEvent> timeline,
                                              List<String> heroes) {
        RoomEventFilter sf = req.filter().room().state();
        if (!sf.lazyLoadMembers()) return List.of();
        Set<String> wanted = lazyMembers(req, room, timeline, heroes, false);
        Set<Long> inTimeline = new HashSet<>();
        for (StoredEvent se : timeline) inTimeline.add(se.nid());
        List<Long> nids = new ArrayList<>();
        for (String u : wanted) {
            Long nid = startState.get(StateKey.of("m.room.member", u));
            if (nid != null && !inTimeline.contains(nid)) nids.add(nid);
        }
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent se : events.byNids(nids).values()) if (sf.matches(se.event())) out.add(se);
        out.sort((a, b) -> Long.compare(a.nid(), b.nid()));
        return out;
    }

    /**
     * Members whose events the client needs for these timeline events and heroes (and the user's
     * own), minus those this device already got. A room new to the client (or full state) starts
     * the record afresh and always includes them.
     */
    private Set<String> lazyMembers(Request req, LiveRoom room, List<StoredEvent> timeline, List<String> heroes, boolean fresh) {
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(req.userId());
        for (StoredEvent se : timeline) wanted.add(se.event().sender());
        if (heroes != null) wanted.addAll(heroes);
        String key = req.userId() + "|" + req.deviceId() + "|" + room.roomId();
        if (fresh) lazySent.invalidate(key);
        Set<String> sent = lazySent.get(key, k -> ConcurrentHashSet.create());
        if (!fresh && !req.filter().room().state().includeRedundantMembers()) wanted.removeIf(sent::contains);
        sent.addAll(wanted);
        return wanted;
    }

    /**
     * m.heroes (spec): the first 5 other members that are joined or invited, in stream order of
     * their member events; when there are none, the ones who left or were banned. Null when the
     * room has a name or canonical alias: heroes are then optional, and leaving them out spares
     * lazy-loading clients their member events.
     */
    private List<String> heroes(LiveRoom room, String userId) {
        Event name = writer.stateEvent(room, "m.room.name", "");
        Event alias = writer.stateEvent(room, "m.room.canonical_alias", "");
        if (name != null && !name.content().path("name").asText("").isEmpty()
                || alias != null && !alias.content().path("alias").asText("").isEmpty()) {
            return null;
        }
        List<Map.Entry<Long, String>> active = new ArrayList<>();
        List<Map.Entry<Long, String>> gone = new ArrayList<>();
        room.memberships().forEach((u, m) -> {
            if (u.equals(userId)) return;
            Long nid = room.stateNid("m.room.member", u);
            Map.Entry<Long, String> en = Map.entry(nid == null ? Long.MAX_VALUE : nid, u);
            if (m.equals("join") || m.equals("invite")) active.add(en);
            else if (m.equals("leave") || m.equals("ban")) gone.add(en);
        });
        List<Map.Entry<Long, String>> pick = active.isEmpty() ? gone : active;
        pick.sort(Map.Entry.comparingByKey());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(5, pick.size()); i++) out.add(pick.get(i).getValue());
        return out;
    }

    private static ObjectNode summary(LiveRoom room, List<String> heroes) {
        ObjectNode s = Json.object();
        if (heroes != null) heroes.forEach(s.putArray("m.heroes")::add);
        s.put("m.joined_member_count", room.count("join"));
        s.put("m.invited_member_count", room.count("invite"));
        return s;
    }

    // ------------------------------------------------------------------ left rooms, invites

    /**
     * rooms.leave[roomId]: the timeline up to the leave (or kick, ban, rejection) as far as the user
     * may see it, and the state at its start. Only a user who was joined gets room state: one who
     * was merely invited or knocking never had more than stripped state. When the user was not
     * joined at since (joined and left within the window), the state is given in full.
     */
    private ObjectNode leftRoom(Request req, LiveRoom room, StoredEvent leave, boolean initial, long since, Set<String> ignored) {
        RoomEventFilter tf = req.filter().room().timeline();
        int limit = tf.limit(DEFAULT_TIMELINE_LIMIT);
        long leaveNid = leave.nid();
        long lower = initial ? 0 : since;
        Timeline tl = timeline(req.userId(), room, lower, leaveNid, limit, tf, ignored, true);
        ObjectNode r = Json.object();
        ObjectNode timeline = r.putObject("timeline");
        timeline.set("events", renderEvents(req, tl.events));
        timeline.put("limited", tl.limited);
        timeline.put("prev_batch", PaginationToken.of(tl.events.isEmpty() ? leaveNid + 1 : tl.events.get(0).nid()));
        StoredEvent prev = leave.replacesNid() == null ? null : events.byNid(leave.replacesNid());
        List<StoredEvent> state = List.of();
        if (prev != null && "join".equals(prev.event().membership())) {
            boolean fresh = initial || !"join".equals(membershipAtPosition(leave, since));
            if (fresh || tl.limited) {
                Map<StateKey, Long> startState = tl.events.isEmpty() ? snapshots.after(leave) : snapshots.before(tl.events.get(0));
                Map<StateKey, Long> sinceState = fresh ? null : stateAtPosition(room, since);
                state = stateEventsOf(startState, req, room, tl.events, sinceState, fresh, null);
            }
            state = withHidden(state, hiddenChanges(tl, fresh || tl.limited ? null : since, req.filter().room().state()));
        }
        r.putObject("state").set("events", renderEvents(req, state));
        r.putObject("account_data").putArray("events");
        return r;
    }

    /** The membership a user had at a stream position, found by walking back from a later member event of theirs. */
    private String membershipAtPosition(StoredEvent member, long position) {
        StoredEvent m = member;
        while (m != null) {
            if (m.nid() <= position) return m.event().membership();
            m = m.replacesNid() == null ? null : events.byNid(m.replacesNid());
        }
        return null;
    }

    private ObjectNode strippedSection(LiveRoom room, long memberNid, String key, String userId) {
        StoredEvent member = events.byNid(memberNid);
        ObjectNode r = Json.object();
        ArrayNode list = r.putObject(key).putArray("events");
        Map<StateKey, Long> state = snapshots.after(member);
        List<Long> nids = new ArrayList<>();
        for (Map.Entry<StateKey, Long> en : state.entrySet()) {
            String t = en.getKey().type();
            if (STRIPPED_STATE_TYPES.contains(t) || (t.equals("m.room.member")
                    && (en.getKey().stateKey().equals(userId) || en.getKey().stateKey().equals(member.event().sender())))) {
                nids.add(en.getValue());
            }
        }
        for (StoredEvent se : events.byNids(nids).values()) {
            Event e = se.event();
            ObjectNode o = list.addObject();
            o.put("type", e.type());
            o.put("state_key", e.stateKey());
            o.put("sender", e.sender());
            o.set("content", e.content().deepCopy());
        }
        return r;
    }

    // ------------------------------------------------------------------ rendering

    private ArrayNode renderEvents(Request req, List<StoredEvent> list) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        SyncFilter f = req.filter();
        if (f.federationFormat()) {
            for (StoredEvent se : list) arr.add(se.event().pdu().deepCopy());
            return arr;
        }
        for (ObjectNode o : render.renderAll(list, new ClientEvents.Viewer(req.userId(), req.deviceId()))) {
            o.remove("room_id");
            arr.add(f.eventFields() == null ? o : f.projection().apply(o));
        }
        return arr;
    }

    /** Tiny helper: a concurrent set without a dependency. */
    private static final class ConcurrentHashSet {
        static Set<String> create() { return java.util.concurrent.ConcurrentHashMap.newKeySet(); }
    }
}
