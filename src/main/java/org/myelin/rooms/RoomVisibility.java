package org.myelin.rooms;

import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.http.MatrixException;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * History visibility (spec module "Room History Visibility"): whether a user may see an event,
 * judged by the history_visibility and the user's membership in the state at that event, and
 * which state a user may read (current state while joined or world_readable; the state when they
 * left, after leaving).
 */
public final class RoomVisibility {
    private static final StateKey HISTORY = StateKey.of("m.room.history_visibility", "");

    private final RoomWriter writer;
    private final EventCache events;
    private final StateSnapshots snapshots;
    private final RoomStore store;

    public RoomVisibility(RoomWriter writer, EventCache events, StateSnapshots snapshots, RoomStore store) {
        this.writer = writer;
        this.events = events;
        this.snapshots = snapshots;
        this.store = store;
    }

    public String currentHistoryVisibility(LiveRoom room) {
        Event e = writer.stateEvent(room, "m.room.history_visibility", "");
        return e == null ? "shared" : e.content().path("history_visibility").asText("shared");
    }

    public boolean isWorldReadable(LiveRoom room) { return "world_readable".equals(currentHistoryVisibility(room)); }

    /** The state a user may read in a room; 403 when they may read none (never a member, not world-readable). */
    public List<StoredEvent> stateView(String roomId, String userId) {
        LiveRoom room = writer.room(roomId).orElseThrow(() -> MatrixException.forbidden("You are not a member of this room"));
        Optional<RoomStore.Member> m = userId == null ? Optional.empty() : store.membership(roomId, userId);
        if ((m.isPresent() && m.get().membership().equals("join")) || isWorldReadable(room)) {
            return new ArrayList<>(events.byNids(room.state().values()).values());
        }
        if (m.isPresent() && (m.get().membership().equals("leave") || m.get().membership().equals("ban"))
                && !store.isForgotten(roomId, userId)) {
            StoredEvent leave = events.byNid(m.get().nid());
            if (leave != null && wasJoinedBefore(leave, userId)) {
                return new ArrayList<>(events.byNids(snapshots.after(leave).values()).values());
            }
        }
        throw MatrixException.forbidden("You are not a member of this room");
    }

    /**
     * The state as of a timeline position (the {@code at} of /members): the state before the first
     * event at or after the boundary, never later than what {@link #stateView} allows the user.
     */
    public List<StoredEvent> stateViewAt(String roomId, String userId, long boundary) {
        stateView(roomId, userId);
        LiveRoom room = writer.room(roomId).orElseThrow(() -> MatrixException.forbidden("You are not a member of this room"));
        Optional<RoomStore.Member> m = userId == null ? Optional.empty() : store.membership(roomId, userId);
        StoredEvent leave = null;
        if (m.isPresent() && !m.get().membership().equals("join") && !isWorldReadable(room)) {
            leave = events.byNid(m.get().nid());
        }
        List<StoredEvent> next = store.roomEvents(roomId, boundary - 1, Long.MAX_VALUE, true, 1);
        Map<StateKey, Long> state;
        if (leave != null && (next.isEmpty() || next.get(0).nid() > leave.nid())) state = snapshots.after(leave);
        else state = next.isEmpty() ? room.state() : snapshots.before(next.get(0));
        return new ArrayList<>(events.byNids(state.values()).values());
    }

    private boolean wasJoinedBefore(StoredEvent membershipEvent, String userId) {
        Long prev = snapshots.before(membershipEvent).get(StateKey.of("m.room.member", userId));
        if (prev == null) return false;
        StoredEvent p = events.byNid(prev);
        return p != null && "join".equals(p.event().membership());
    }

    /** Whether the user may see this event (spec algorithm, with the special cases it names). */
    public boolean canSee(String userId, StoredEvent se) {
        Event e = se.event();
        Map<StateKey, Long> before = snapshots.before(se);
        String visibility = historyVisibility(before);
        if ("m.room.history_visibility".equals(e.type()) && "".equals(e.stateKey())) {
            // The more permissive of the visibility before and after this event applies to it.
            String after = e.content().path("history_visibility").asText("shared");
            if (rank(after) > rank(visibility)) visibility = after;
        }
        if ("world_readable".equals(visibility)) return true;
        if (userId == null || forgotten(e.roomId(), userId)) return false;
        String membership = membershipAt(before, userId);
        if (allows(visibility, membership, se, userId)) return true;
        // The user's own membership events: their membership before or after the event may allow it.
        return "m.room.member".equals(e.type()) && userId.equals(e.stateKey()) && allows(visibility, e.membership(), se, userId);
    }

    /** Rules 2-4 of the module for a user whose membership at the event is the given one. */
    private boolean allows(String visibility, String membership, StoredEvent se, String userId) {
        if ("join".equals(membership)) return true;
        if ("invited".equals(visibility) && "invite".equals(membership)) return true;
        return "shared".equals(visibility) && joinedAfter(se, userId);
    }

    /** Whether the user left the room and then forgot it: they may no longer read its history (spec "forget"). */
    private boolean forgotten(String roomId, String userId) {
        String current = writer.room(roomId).map(r -> r.memberships().get(userId)).orElse(null);
        if (!"leave".equals(current) && !"ban".equals(current)) return false;
        return store.isForgotten(roomId, userId);
    }

    /**
     * Whether the user joined the room at some point after the event: currently joined, or a join
     * among their member events since it (walked back from the current one, in memory).
     */
    private boolean joinedAfter(StoredEvent se, String userId) {
        LiveRoom room = writer.room(se.event().roomId()).orElse(null);
        if (room == null) return false;
        if ("join".equals(room.memberships().get(userId))) return true;
        Long nid = room.stateNid("m.room.member", userId);
        while (nid != null && nid > se.nid()) {
            StoredEvent m = events.byNid(nid);
            if (m == null) {
                // Written but not committed yet: go on from the committed member event.
                Long committed = store.membership(room.roomId(), userId).map(RoomStore.Member::nid).orElse(null);
                if (committed == null || committed.equals(nid)) return false;
                nid = committed;
                continue;
            }
            if ("join".equals(m.event().membership())) return true;
            nid = m.replacesNid();
        }
        return false;
    }

    private String historyVisibility(Map<StateKey, Long> state) {
        Long nid = state.get(HISTORY);
        if (nid == null) return "shared";
        StoredEvent h = events.byNid(nid);
        return h == null ? "shared" : h.event().content().path("history_visibility").asText("shared");
    }

    private String membershipAt(Map<StateKey, Long> state, String userId) {
        Long nid = state.get(StateKey.of("m.room.member", userId));
        if (nid == null) return null;
        StoredEvent m = events.byNid(nid);
        return m == null ? null : m.event().membership();
    }

    private static int rank(String v) {
        return switch (v) {
            case "world_readable" -> 3;
            case "shared" -> 2;
            case "invited" -> 1;
            default -> 0;
        };
    }
}
