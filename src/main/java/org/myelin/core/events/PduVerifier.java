package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.crypto.JsonSigning;
import org.myelin.core.crypto.UnpaddedBase64;
import org.myelin.core.crypto.VerifyKey;
import org.myelin.core.rooms.RoomVersion;

import java.security.MessageDigest;

/**
 * The hash and signature checks on a received PDU (server-server API, "Validating hashes and
 * signatures on received events"). They are separate because their failures differ: a bad
 * signature means the event is dropped, while a bad content hash only means we were sent a
 * redacted copy, which must then be redacted before use.
 */
public final class PduVerifier {
    private PduVerifier() {}

    /** Whether {@code hashes.sha256} matches the event's content hash. */
    public static boolean hasValidContentHash(ObjectNode pdu) {
        JsonNode claimed = pdu.path("hashes").path("sha256");
        if (!claimed.isTextual()) return false;
        byte[] expected;
        try {
            expected = UnpaddedBase64.decode(claimed.textValue());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, EventHashes.contentHash(pdu));
    }

    /**
     * Whether {@code serverName} signed the event with {@code key}. The signature covers the
     * redacted event, so this holds for the full event and for a redacted copy alike.
     */
    public static boolean hasValidSignature(ObjectNode pdu, RoomVersion version, String serverName, VerifyKey key) {
        return JsonSigning.verifyJson(Redaction.redact(pdu, version), serverName, key);
    }
}
