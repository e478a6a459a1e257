package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Verification of the identity server's signature on a third-party invite: the {@code signed}
 * object in an invite's {@code content.third_party_invite} against one public key published in the
 * matching {@code m.room.third_party_invite} event. An interface so that this package needs no
 * ed25519 implementation; the implementation verifies the canonical JSON of {@code signed} without
 * its {@code signatures} and {@code unsigned}, as for any signed JSON object.
 */
@FunctionalInterface
public interface ThirdPartyInviteSignatures {
    /**
     * Whether any signature in {@code signed.signatures} is valid for {@code publicKey} (unpadded
     * base64 ed25519, as the identity server publishes it). Must answer false, not throw, for
     * malformed input: the auth rules then try the room's other keys.
     */
    boolean isSignedWith(ObjectNode signed, String publicKey);
}
