package org.myelin.core.filters;

import java.util.List;
import java.util.Set;

/**
 * The {@code room} part of a sync filter: which rooms appear at all ({@code rooms},
 * {@code not_rooms}, applied before the section filters), whether left rooms are included, and
 * one {@link RoomEventFilter} per section of a room. Sections absent from the definition get
 * {@link RoomEventFilter#ALL}, so accessors never return null.
 *
 * <p>Immutable and thread-safe.
 */
public final class RoomFilter {
    /** Every room, no left rooms, every event. */
    public static final RoomFilter ALL = new RoomFilter(null, null, false, RoomEventFilter.ALL, RoomEventFilter.ALL,
            RoomEventFilter.ALL, RoomEventFilter.ALL);

    private final Set<String> rooms;
    private final Set<String> notRooms;
    private final boolean includeLeave;
    private final RoomEventFilter timeline;
    private final RoomEventFilter state;
    private final RoomEventFilter ephemeral;
    private final RoomEventFilter accountData;

    private RoomFilter(List<String> rooms, List<String> notRooms, boolean includeLeave, RoomEventFilter timeline,
                       RoomEventFilter state, RoomEventFilter ephemeral, RoomEventFilter accountData) {
        this.rooms = rooms == null ? null : Set.copyOf(rooms);
        this.notRooms = notRooms == null ? null : Set.copyOf(notRooms);
        this.includeLeave = includeLeave;
        this.timeline = timeline;
        this.state = state;
        this.ephemeral = ephemeral;
        this.accountData = accountData;
    }

    static RoomFilter parse(FilterJson f) {
        return new RoomFilter(f.ids("rooms", "!", "room ID"), f.ids("not_rooms", "!", "room ID"),
                Boolean.TRUE.equals(f.bool("include_leave")), section(f, "timeline"), section(f, "state"),
                section(f, "ephemeral"), section(f, "account_data"));
    }

    private static RoomEventFilter section(FilterJson f, String field) {
        FilterJson o = f.object(field);
        return o == null ? RoomEventFilter.ALL : RoomEventFilter.parse(o);
    }

    /** {@code include_leave}, default false. */
    public boolean includeLeave() { return includeLeave; }

    /**
     * Whether the room appears in the response at all: not in {@code not_rooms}, and in
     * {@code rooms} when that is present (an empty {@code rooms} admits no room).
     */
    public boolean allowsRoom(String roomId) {
        if (notRooms != null && notRooms.contains(roomId)) return false;
        return rooms == null || rooms.contains(roomId);
    }

    /** True when {@code rooms} and {@code not_rooms} are both absent, so every room is allowed. */
    public boolean allowsAllRooms() { return rooms == null && notRooms == null; }

    public RoomEventFilter timeline() { return timeline; }

    public RoomEventFilter state() { return state; }

    public RoomEventFilter ephemeral() { return ephemeral; }

    public RoomEventFilter accountData() { return accountData; }
}
