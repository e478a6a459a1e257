package org.myelin.core.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.json.CanonicalJson;
import org.myelin.core.rooms.RoomVersion;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two SHA-256 hashes of an event (server-server API, "Signing events").
 *
 * <p>The <em>content hash</em> covers the whole event, so a receiver can tell whether it was given the
 * full event or a redacted copy. The <em>reference hash</em> covers only what survives redaction
 * (including the content hash), so it stays stable when the event is redacted; from room version 3 it
 * is the event ID.
 */
public final class EventHashes {
    private EventHashes() {}

    /** SHA-256 of the canonical event without {@code unsigned}, {@code signatures} and {@code hashes}. */
    public static byte[] contentHash(ObjectNode pdu) {
        return sha256(CanonicalJson.encodeWithout(pdu, "unsigned", "signatures", "hashes"));
    }

    /** SHA-256 of the canonical redacted event without {@code signatures} and {@code unsigned}. */
    public static byte[] referenceHash(ObjectNode pdu, RoomVersion version) {
        return sha256(CanonicalJson.encodeWithout(Redaction.redact(pdu, version), "signatures", "unsigned"));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
