package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.http.Json;
import org.myelin.it.Fixtures;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Fixtures for the room integration tests: the shared helpers of {@link Fixtures}, plus room
 * paths and a read-only look at the server's event table (the only way to see the order of a
 * room's events before /messages and /sync exist).
 */
final class RoomFx extends Fixtures {
    private RoomFx() {}

    static String event(String roomId, String eventId) { return room(roomId) + "/event/" + enc(eventId); }

    static String publicRoom(U u, String version) { return createRoom(u, map("preset", "public_chat", "room_version", version)); }

    static JsonNode getEvent(U u, String roomId, String eventId) { return ok(u.get(event(roomId, eventId))); }

    /** Current state as returned by GET /state, keyed "type|state_key". */
    static Map<String, JsonNode> stateMap(U u, String roomId) {
        JsonNode events = okArray(u.get(room(roomId) + "/state"));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String k = e.path("type").asText() + "|" + e.path("state_key").asText();
            assertFalse(out.containsKey(k), () -> "duplicate state entry " + k + " in " + events);
            out.put(k, e);
        }
        return out;
    }

    static Map<String, Object> pl(Object... kv) { return map(kv); }

    // ------------------------------------------------------------------ the event table (read-only)

    /** One stored event of a room, in stream order: its type, state key and full PDU. */
    record Stored(String eventId, String type, String stateKey, JsonNode pdu) {
        String key() { return stateKey == null ? type : type + "|" + stateKey; }
    }

    /** The room's events in the order the server persisted them. */
    static List<Stored> timeline(String roomId) {
        try (Connection c = connect(server());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT event_id, type, state_key, json FROM events WHERE room_id = ? ORDER BY stream_ordering")) {
            ps.setString(1, roomId);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), Json.MAPPER.readTree(rs.getString(4))));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the event table", e);
        }
    }

    /** Rooms whose create event names roomId as predecessor (upgrades of it, finished or abandoned). */
    static List<String> successors(String roomId) {
        try (Connection c = connect(server());
             PreparedStatement ps = c.prepareStatement("SELECT room_id, json FROM events WHERE type = 'm.room.create'")) {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode pdu = Json.MAPPER.readTree(rs.getString(2));
                    if (roomId.equals(pdu.path("content").path("predecessor").path("room_id").asText(null))) out.add(rs.getString(1));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the event table", e);
        }
    }

    static long countEvents(String roomId, String type) {
        return timeline(roomId).stream().filter(s -> s.type().equals(type)).count();
    }
}
