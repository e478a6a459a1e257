package org.myelin.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.crypto.JsonSigning;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.crypto.VerifyKey;
import org.myelin.core.events.Event;
import org.myelin.core.events.PduVerifier;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.core.rooms.ServerSignatures;
import org.myelin.core.rooms.ThirdPartyInviteSignatures;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Signature checks the auth rules delegate: events signed by a server (only this server's own key
 * is known until federation brings key fetching) and identity-server signatures on third-party
 * invites.
 */
public final class Signatures implements ServerSignatures, ThirdPartyInviteSignatures {
    private final String serverName;
    private final SigningKey key;
    private final Function<String, RoomVersion> versionOfRoom;

    public Signatures(String serverName, SigningKey key, Function<String, RoomVersion> versionOfRoom) {
        this.serverName = serverName;
        this.key = key;
        this.versionOfRoom = versionOfRoom;
    }

    @Override
    public boolean isSignedBy(Event event, String server) {
        if (!serverName.equals(server)) return false;
        RoomVersion v = versionOfRoom.apply(event.roomId());
        return v != null && PduVerifier.hasValidSignature(event.pdu(), v, server, key.verifyKey());
    }

    @Override
    public boolean isSignedWith(ObjectNode signed, String publicKey) {
        JsonNode sigs = signed.get("signatures");
        if (sigs == null || !sigs.isObject()) return false;
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = sigs.fields(); it.hasNext(); ) {
                var server = it.next();
                if (!server.getValue().isObject()) continue;
                for (Iterator<String> ids = server.getValue().fieldNames(); ids.hasNext(); ) {
                    String keyId = ids.next();
                    if (!keyId.startsWith("ed25519:")) continue;
                    if (JsonSigning.verifyJson(signed, server.getKey(), VerifyKey.fromBase64(keyId, publicKey))) return true;
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }
}
