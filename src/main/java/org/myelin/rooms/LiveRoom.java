package org.myelin.rooms;

import org.myelin.core.events.StateKey;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.storage.RoomStore.StateHead;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory head of a room: its current state (as event nids), state snapshot head, forward
 * extremities and depth. Only the room's writer (holding the room lock) changes it, after its
 * transaction committed; readers may read it at any time (the state map is concurrent), and never
 * meet an event that is not committed.
 */
public final class LiveRoom {
    final String roomId;
    final RoomVersion version;
    final Map<StateKey, Long> state;
    volatile StateHead head;
    volatile List<String> extremities;
    volatile long depth;
    /** The stream position of the room's newest event: incremental sync skips rooms where it is old. */
    volatile long lastNid;
    /** Current membership of every user with a member event (user -> membership). */
    final Map<String, String> memberships;
    /** Joined and invited member counts, kept with memberships so that /sync summaries cost O(1). */
    private volatile int joined;
    private volatile int invited;

    LiveRoom(String roomId, RoomVersion version, Map<StateKey, Long> state, StateHead head, List<String> extremities, long depth,
             long lastNid, Map<String, String> memberships) {
        this.roomId = roomId;
        this.version = version;
        this.state = new ConcurrentHashMap<>(state);
        this.head = head;
        this.extremities = extremities;
        this.depth = depth;
        this.lastNid = lastNid;
        this.memberships = new ConcurrentHashMap<>(memberships);
        for (String m : memberships.values()) {
            if ("join".equals(m)) joined++;
            else if ("invite".equals(m)) invited++;
        }
    }

    /** Records a user's new membership; only the room's writer calls this, holding the room lock. */
    void setMembership(String userId, String membership) {
        String old = memberships.put(userId, membership);
        if (membership.equals(old)) return;
        if ("join".equals(old)) joined--;
        else if ("invite".equals(old)) invited--;
        if ("join".equals(membership)) joined++;
        else if ("invite".equals(membership)) invited++;
    }

    public long lastNid() { return lastNid; }

    /** user -> current membership, for every user with a member event. Read-only for callers. */
    public Map<String, String> memberships() { return memberships; }

    public long count(String membership) {
        return switch (membership) {
            case "join" -> joined;
            case "invite" -> invited;
            default -> memberships.values().stream().filter(membership::equals).count();
        };
    }

    public String roomId() { return roomId; }

    public RoomVersion version() { return version; }

    /** Current state: (type, state_key) -> event nid. Read-only for callers. */
    public Map<StateKey, Long> state() { return state; }

    public Long stateNid(String type, String stateKey) { return state.get(StateKey.of(type, stateKey)); }
}
