package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A persisted or about-to-be-persisted room event: a read-only view over its full PDU JSON (the
 * federation format, signed and hashed) plus its event ID, which for room versions 3+ is not part
 * of the JSON. Callers must not mutate {@link #pdu()}.
 */
public final class Event {
    private final ObjectNode pdu;
    private final String eventId;

    public Event(String eventId, ObjectNode pdu) {
        this.eventId = eventId;
        this.pdu = pdu;
    }

    public String eventId() { return eventId; }

    public ObjectNode pdu() { return pdu; }

    public String type() { return text("type"); }

    /** Null for non-state events. */
    public String stateKey() {
        JsonNode n = pdu.get("state_key");
        return n != null && n.isTextual() ? n.asText() : null;
    }

    public boolean isState() { return stateKey() != null; }

    public String sender() { return text("sender"); }

    /**
     * The room ID. In room version 12 the create event has no room_id: the room's ID is the
     * create event's ID with the sigil changed, and {@code roomIdFromCreate} must be used.
     */
    public String roomId() {
        String r = text("room_id");
        if (r == null && "m.room.create".equals(type()) && "".equals(stateKey()) && eventId != null) {
            return "!" + eventId.substring(1);
        }
        return r;
    }

    public ObjectNode content() {
        JsonNode c = pdu.get("content");
        return c instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    public long originServerTs() {
        JsonNode n = pdu.get("origin_server_ts");
        return n == null ? 0 : n.asLong();
    }

    public long depth() {
        JsonNode n = pdu.get("depth");
        return n == null ? 0 : n.asLong();
    }

    /** For redactions: the redacted event ID (top level before v11, in content from v11). */
    public String redacts() {
        String top = text("redacts");
        if (top != null) return top;
        JsonNode c = content().get("redacts");
        return c != null && c.isTextual() ? c.asText() : null;
    }

    public List<String> prevEvents() { return idList("prev_events"); }

    public List<String> authEvents() { return idList("auth_events"); }

    /** membership from content, for m.room.member events. */
    public String membership() {
        JsonNode m = content().get("membership");
        return m != null && m.isTextual() ? m.asText() : null;
    }

    /** Room versions 1 and 2 store references as [event_id, {hashes}] pairs; later ones as plain IDs. */
    private List<String> idList(String field) {
        JsonNode arr = pdu.get(field);
        List<String> out = new ArrayList<>();
        if (arr == null || !arr.isArray()) return out;
        for (JsonNode n : arr) {
            if (n.isTextual()) out.add(n.asText());
            else if (n.isArray() && !n.isEmpty() && n.get(0).isTextual()) out.add(n.get(0).asText());
        }
        return out;
    }

    private String text(String field) {
        JsonNode n = pdu.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    @Override
    public String toString() { return eventId + " " + type() + (isState() ? "[" + stateKey() + "]" : ""); }
}
