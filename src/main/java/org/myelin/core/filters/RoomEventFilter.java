package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.events.Event;

import java.util.List;
import java.util.Set;

/**
 * The RoomEventFilter of the spec: an {@link EventFilter} plus {@code rooms}/{@code not_rooms},
 * {@code contains_url} and the switches {@code lazy_load_members},
 * {@code include_redundant_members} and {@code unread_thread_notifications}. It is the filter of
 * a room's timeline, state, ephemeral and account data sections in /sync, and the {@code filter}
 * of /messages and /context.
 *
 * <p>{@code contains_url}: an event "contains a URL" when its content has a {@code url} whose
 * value is a string (a URL of another JSON type is no URL). {@code true} keeps only such events,
 * {@code false} only the others, absent ignores URLs.
 *
 * <p>Immutable and thread-safe.
 */
public final class RoomEventFilter extends EventFilter {
    /** Admits every event of every room, with no limit, and no lazy loading. */
    public static final RoomEventFilter ALL = new RoomEventFilter(EventFilter.ALL, null, null, null, false, false, false);

    /** The unstable name of unread_thread_notifications (MSC3773) that clients may still send. */
    static final String UNSTABLE_UNREAD_THREAD_NOTIFICATIONS = "org.matrix.msc3773.unread_thread_notifications";

    private final Set<String> rooms;
    private final Set<String> notRooms;
    private final Boolean containsUrl;
    private final boolean lazyLoadMembers;
    private final boolean includeRedundantMembers;
    private final boolean unreadThreadNotifications;
    private final boolean noRoomOrUrlConditions;

    private RoomEventFilter(EventFilter base, List<String> rooms, List<String> notRooms, Boolean containsUrl,
                            boolean lazyLoadMembers, boolean includeRedundantMembers, boolean unreadThreadNotifications) {
        super(base);
        this.rooms = rooms == null ? null : Set.copyOf(rooms);
        this.notRooms = notRooms == null ? null : Set.copyOf(notRooms);
        this.containsUrl = containsUrl;
        this.lazyLoadMembers = lazyLoadMembers;
        this.includeRedundantMembers = includeRedundantMembers;
        this.unreadThreadNotifications = unreadThreadNotifications;
        this.noRoomOrUrlConditions = rooms == null && notRooms == null && containsUrl == null;
    }

    /**
     * Parses a RoomEventFilter object, e.g. the {@code filter} query parameter of /messages.
     * Unknown fields are ignored.
     *
     * @throws FilterException if a field does not follow the schema
     */
    public static RoomEventFilter parse(JsonNode json) { return parse(FilterJson.of(json, "")); }

    static RoomEventFilter parse(FilterJson f) {
        EventFilter base = EventFilter.parse(f);
        Boolean unread = f.bool("unread_thread_notifications");
        if (unread == null) unread = f.bool(UNSTABLE_UNREAD_THREAD_NOTIFICATIONS);
        return new RoomEventFilter(base, f.ids("rooms", "!", "room ID"), f.ids("not_rooms", "!", "room ID"),
                f.bool("contains_url"), Boolean.TRUE.equals(f.bool("lazy_load_members")),
                Boolean.TRUE.equals(f.bool("include_redundant_members")), Boolean.TRUE.equals(unread));
    }

    /** True if the event passes every condition of the filter (room, type, sender, URL). */
    public boolean matches(Event e) {
        return matches(e.roomId(), e.type(), e.sender(), e.content());
    }

    /**
     * The same test for data that is not a room event, e.g. an ephemeral or room account data
     * event; any argument may be null ({@code content} null counts as having no URL).
     */
    public boolean matches(String roomId, String type, String sender, JsonNode content) {
        if (!matches(type, sender)) return false;
        if (noRoomOrUrlConditions) return true;
        if (!allowsRoom(roomId)) return false;
        if (containsUrl != null) {
            JsonNode url = content == null ? null : content.get("url");
            boolean hasUrl = url != null && url.isTextual();
            if (hasUrl != containsUrl) return false;
        }
        return true;
    }

    /** The {@code rooms}/{@code not_rooms} test alone (a null room ID passes only if {@code rooms} is absent). */
    public boolean allowsRoom(String roomId) {
        if (roomId != null && notRooms != null && notRooms.contains(roomId)) return false;
        return rooms == null || roomId != null && rooms.contains(roomId);
    }

    /** {@code contains_url}, or null when absent. */
    public Boolean containsUrl() { return containsUrl; }

    /** {@code lazy_load_members}, default false. */
    public boolean lazyLoadMembers() { return lazyLoadMembers; }

    /**
     * Whether redundant membership events must be sent: {@code include_redundant_members} and
     * {@code lazy_load_members} both true (the spec says the former does not apply otherwise).
     */
    public boolean includeRedundantMembers() { return lazyLoadMembers && includeRedundantMembers; }

    /**
     * {@code unread_thread_notifications} (or its unstable MSC3773 name when the stable one is
     * absent), default false.
     */
    public boolean unreadThreadNotifications() { return unreadThreadNotifications; }
}
