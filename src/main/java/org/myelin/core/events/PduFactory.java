package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.crypto.UnpaddedBase64;
import org.myelin.core.json.CanonicalJson;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.core.rooms.RoomVersion.EventIdFormat;

/**
 * Turns an unsigned event template into a complete PDU of our own: content hash, signature and
 * event ID (server-server API, "Signing events").
 *
 * <p>The template is the event as it should go over federation, minus {@code hashes} and
 * {@code signatures}: {@code type}, {@code state_key} (state events), {@code sender},
 * {@code room_id} (absent only from a room version 12 create event), {@code content},
 * {@code origin_server_ts}, {@code depth}, {@code prev_events}, {@code auth_events}, optionally
 * {@code unsigned}. The caller writes everything in the room version's own format; this class does
 * not translate:
 * <ul>
 *   <li>{@code prev_events} and {@code auth_events} are plain event IDs from version 3 on, but
 *       {@code [id, {"sha256": reference hash}]} pairs in versions 1 and 2; {@link #reference}
 *       builds the right form from the referenced event.</li>
 *   <li>A redaction names its target in a top-level {@code redacts} before version 11 and in
 *       {@code content.redacts} from version 11 (only there does redaction preserve it).</li>
 * </ul>
 * Validation is also the caller's: {@link org.myelin.core.json.StrictCanonicalJson} for client
 * content in version 6+ rooms, and {@link EventLimits} on the result.
 */
public final class PduFactory {
    private PduFactory() {}

    /**
     * Hashes, signs and identifies the event. The template is not modified. For room versions 1
     * and 2 a new {@code event_id} is added unless the template already has one.
     */
    public static Event create(ObjectNode template, RoomVersion version, String serverName, SigningKey key) {
        ObjectNode pdu = template.deepCopy();
        pdu.remove("hashes");
        pdu.remove("signatures");
        boolean localId = version.eventIdFormat() == EventIdFormat.V1_LOCAL;
        if (localId && !pdu.path("event_id").isTextual()) pdu.put("event_id", EventIds.newLocalId(serverName));

        pdu.putObject("hashes").put("sha256", UnpaddedBase64.encode(EventHashes.contentHash(pdu)));

        // The redacted event has no signatures or unsigned yet, so its canonical form is both what the
        // signature covers and what the reference hash covers: one encoding serves both.
        byte[] essential = CanonicalJson.encode(Redaction.redact(pdu, version));
        pdu.putObject("signatures").putObject(serverName).put(key.keyId(), UnpaddedBase64.encode(key.sign(essential)));

        String eventId = localId
                ? pdu.get("event_id").textValue()
                : EventIds.fromReferenceHash(EventHashes.sha256(essential), version.eventIdFormat());
        return new Event(eventId, pdu);
    }

    /**
     * How a new event in a room of {@code version} refers to {@code target} in its
     * {@code prev_events} or {@code auth_events}: the plain event ID from version 3, the pair
     * {@code [event_id, {"sha256": reference hash}]} in versions 1 and 2.
     */
    public static JsonNode reference(Event target, RoomVersion version) {
        if (version.eventIdFormat() != EventIdFormat.V1_LOCAL) return TextNode.valueOf(target.eventId());
        ArrayNode pair = JsonNodeFactory.instance.arrayNode();
        pair.add(target.eventId());
        pair.addObject().put("sha256", UnpaddedBase64.encode(EventHashes.referenceHash(target.pdu(), version)));
        return pair;
    }
}
