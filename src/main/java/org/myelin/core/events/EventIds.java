package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.crypto.UnpaddedBase64;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.core.rooms.RoomVersion.EventIdFormat;

import java.security.SecureRandom;

/**
 * Event IDs per room version. Versions 1 and 2 use a random local part and the creating server's
 * name, carried in the event's {@code event_id} field; from version 3 the ID is derived from the
 * event itself ({@code $} + Base64 of the reference hash), so it is never part of the JSON and
 * every server computes it for itself.
 */
public final class EventIds {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int LOCAL_PART_LENGTH = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {}

    /** A new {@code $opaque:serverName} ID for room versions 1 and 2. */
    public static String newLocalId(String serverName) {
        StringBuilder id = new StringBuilder(LOCAL_PART_LENGTH + serverName.length() + 2).append('$');
        for (int i = 0; i < LOCAL_PART_LENGTH; i++) id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return id.append(':').append(serverName).toString();
    }

    /**
     * The ID of a hash-identified event: standard unpadded Base64 in version 3, URL-safe from
     * version 4 (so IDs can appear in URLs unescaped).
     *
     * @throws IllegalArgumentException for {@link EventIdFormat#V1_LOCAL}, whose IDs are not hashes
     */
    public static String fromReferenceHash(byte[] referenceHash, EventIdFormat format) {
        return switch (format) {
            case V3_BASE64 -> "$" + UnpaddedBase64.encode(referenceHash);
            case V4_URL_SAFE -> "$" + UnpaddedBase64.encodeUrlSafe(referenceHash);
            case V1_LOCAL -> throw new IllegalArgumentException("room versions 1 and 2 do not derive event IDs from hashes");
        };
    }

    /**
     * The ID of a received PDU: its {@code event_id} field in versions 1 and 2 (null if missing),
     * otherwise computed from its reference hash.
     */
    public static String of(ObjectNode pdu, RoomVersion version) {
        if (version.eventIdFormat() == EventIdFormat.V1_LOCAL) {
            JsonNode id = pdu.get("event_id");
            return id != null && id.isTextual() ? id.textValue() : null;
        }
        return fromReferenceHash(EventHashes.referenceHash(pdu, version), version.eventIdFormat());
    }
}
