package org.myelin.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.filters.SyncFilter;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One /sync computation: who is syncing, with which filter, and the response being built. Sync
 * sources add their events through the accessors, which create sections on demand.
 */
public final class SyncContext {
    private final String userId;
    private final String deviceId;
    private final boolean initial;
    private final SyncFilter filter;
    private final ObjectNode response;
    private final Map<String, String> rooms;
    private final Map<SyncSource.Slot, Long> reached = new EnumMap<>(SyncSource.Slot.class);

    SyncContext(String userId, String deviceId, boolean initial, SyncFilter filter, ObjectNode response, Map<String, String> rooms) {
        this.userId = userId;
        this.deviceId = deviceId;
        this.initial = initial;
        this.filter = filter;
        this.response = response;
        this.rooms = rooms;
    }

    public String userId() { return userId; }

    public String deviceId() { return deviceId; }

    public boolean initial() { return initial; }

    public SyncFilter filter() { return filter; }

    public ObjectNode response() { return response; }

    /** The user's rooms with their current membership. */
    public Map<String, String> rooms() { return rooms; }

    public Set<String> joinedRooms() {
        return rooms.entrySet().stream().filter(e -> e.getValue().equals("join")).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A source that sent only part of what is pending (a batch limit) records the position it
     * reached; next_batch then carries that position instead of the stream's current one, so the
     * next sync continues from there.
     */
    public void reached(SyncSource.Slot slot, long position) { reached.put(slot, position); }

    Map<SyncSource.Slot, Long> reached() { return reached; }

    /** A top-level section's "events" array, e.g. account_data, presence, to_device. */
    public ArrayNode topLevelEvents(String section) {
        ObjectNode s = response.has(section) ? (ObjectNode) response.get(section) : response.putObject(section);
        return s.has("events") ? (ArrayNode) s.get("events") : s.putArray("events");
    }

    /** rooms.join[roomId], created (with empty timeline/state) if the event stream did not produce it. */
    public ObjectNode joinedRoom(String roomId) {
        ObjectNode roomsNode = response.has("rooms") ? (ObjectNode) response.get("rooms") : response.putObject("rooms");
        ObjectNode join = roomsNode.has("join") ? (ObjectNode) roomsNode.get("join") : roomsNode.putObject("join");
        if (join.has(roomId)) return (ObjectNode) join.get(roomId);
        ObjectNode r = join.putObject(roomId);
        SyncService.emptyJoinedRoom(r);
        return r;
    }

    public ArrayNode roomEphemeral(String roomId) { return events(joinedRoom(roomId), "ephemeral"); }

    public ArrayNode roomAccountData(String roomId) { return events(joinedRoom(roomId), "account_data"); }

    private static ArrayNode events(ObjectNode room, String section) {
        ObjectNode s = room.has(section) ? (ObjectNode) room.get(section) : room.putObject(section);
        return s.has("events") ? (ArrayNode) s.get("events") : s.putArray("events");
    }
}
