package org.myelin.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.Redaction;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.http.Json;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Renders stored PDUs in the client format (spec "Room event format" / ClientEvent): federation
 * fields dropped, event_id added, redacted events served redacted with redacted_because, and
 * unsigned filled with age, prev_content/replaces_state and, for the sending device only,
 * transaction_id.
 */
public final class ClientEvents {
    private final RoomWriter rooms;
    private final EventCache events;
    private final RoomStore store;

    public ClientEvents(RoomWriter rooms, EventCache events, RoomStore store) {
        this.rooms = rooms;
        this.events = events;
        this.store = store;
    }

    /** Who is asking: their device sees its own transaction IDs. Null viewer: no transaction IDs. */
    public record Viewer(String userId, String deviceId) {}

    public ObjectNode render(StoredEvent se, Viewer viewer) {
        return renderAll(List.of(se), viewer).get(0);
    }

    public List<ObjectNode> renderAll(Collection<StoredEvent> list, Viewer viewer) {
        Map<String, TxnKey> txns = Map.of();
        if (viewer != null && viewer.deviceId() != null && !list.isEmpty()) {
            List<String> ids = new ArrayList<>(list.size());
            for (StoredEvent se : list) if (se.event().sender().equals(viewer.userId())) ids.add(se.event().eventId());
            if (!ids.isEmpty()) txns = store.txnsOf(ids);
        }
        long now = System.currentTimeMillis();
        List<ObjectNode> out = new ArrayList<>(list.size());
        for (StoredEvent se : list) {
            ObjectNode o = format(se, now, false);
            TxnKey t = txns.get(se.event().eventId());
            if (t != null && t.deviceId().equals(viewer.deviceId())) {
                ((ObjectNode) o.get("unsigned")).put("transaction_id", TxnIds.clientPart(t.txnId()));
            }
            out.add(o);
        }
        return out;
    }

    private ObjectNode format(StoredEvent se, long now, boolean nested) {
        Event e = se.event();
        RoomVersion v = versionOf(e);
        ObjectNode pdu = se.redactedBy() != null ? Redaction.redact(e.pdu(), v) : e.pdu();
        ObjectNode o = Json.object();
        o.put("event_id", e.eventId());
        o.put("type", e.type());
        if (e.stateKey() != null) o.put("state_key", e.stateKey());
        o.put("sender", e.sender());
        o.put("room_id", e.roomId());
        o.put("origin_server_ts", e.originServerTs());
        JsonNode content = pdu.get("content");
        o.set("content", content == null ? Json.object() : content.deepCopy());
        String redacts = e.redacts();
        if (redacts != null && "m.room.redaction".equals(e.type())) o.put("redacts", redacts);
        ObjectNode unsigned = o.putObject("unsigned");
        unsigned.put("age", Math.max(0, now - e.originServerTs()));
        if (se.replacesNid() != null && !nested) {
            StoredEvent prev = events.byNid(se.replacesNid());
            if (prev != null) {
                unsigned.put("replaces_state", prev.event().eventId());
                ObjectNode prevPdu = prev.redactedBy() != null ? Redaction.redact(prev.event().pdu(), v) : prev.event().pdu();
                JsonNode pc = prevPdu.get("content");
                if (pc != null) unsigned.set("prev_content", pc.deepCopy());
                unsigned.put("prev_sender", prev.event().sender());
            }
        }
        if (se.redactedBy() != null && !nested) {
            events.byId(se.redactedBy()).ifPresent(r -> unsigned.set("redacted_because", format(r, now, true)));
        }
        return o;
    }

    private RoomVersion versionOf(Event e) {
        return rooms.room(e.roomId()).map(LiveRoom::version).orElse(RoomVersion.require(RoomVersion.DEFAULT));
    }
}
