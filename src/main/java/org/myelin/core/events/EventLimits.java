package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.json.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The size limits every server enforces on events (client-server API, "Size limits"). An event over
 * them is rejected by other servers, so we must refuse to create one (413 M_TOO_LARGE on the client
 * API) and drop received ones.
 */
public final class EventLimits {
    /** The whole PDU as canonical JSON, signatures included. */
    public static final int MAX_PDU_BYTES = 65536;
    /** Each of the {@link #BOUNDED_FIELDS}, in UTF-8 bytes. */
    public static final int MAX_FIELD_BYTES = 255;

    private static final List<String> BOUNDED_FIELDS = List.of("sender", "room_id", "state_key", "type", "event_id");

    private EventLimits() {}

    /**
     * The first limit {@code pdu} breaks, as a message for the client, or empty. Give it the PDU in
     * federation format (as {@link PduFactory} returns it) so that the size counts what is sent.
     */
    public static Optional<String> check(ObjectNode pdu) {
        for (String field : BOUNDED_FIELDS) {
            JsonNode value = pdu.get(field);
            if (value != null && value.isTextual()) {
                int bytes = value.textValue().getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_FIELD_BYTES) {
                    return Optional.of(field + " is " + bytes + " bytes long; the limit is " + MAX_FIELD_BYTES);
                }
            }
        }
        int size = CanonicalJson.encode(pdu).length;
        if (size > MAX_PDU_BYTES) {
            return Optional.of("event is " + size + " bytes as canonical JSON; the limit is " + MAX_PDU_BYTES);
        }
        return Optional.empty();
    }
}
