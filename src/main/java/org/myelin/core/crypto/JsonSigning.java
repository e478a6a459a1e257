package org.myelin.core.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.json.CanonicalJson;

/**
 * Signing JSON objects (spec appendix "Signing JSON"): the signature covers the canonical JSON of
 * the object without {@code signatures} and {@code unsigned}, so that other servers can add their
 * own signatures and transit data without invalidating it.
 */
public final class JsonSigning {
    private static final String SIGNATURES = "signatures";
    private static final String UNSIGNED = "unsigned";

    private JsonSigning() {}

    /**
     * Adds {@code serverName}'s signature to {@code json} in place, keeping any signatures already
     * there (from other servers or other keys), and returns {@code json}.
     */
    public static ObjectNode signJson(ObjectNode json, String serverName, SigningKey key) {
        byte[] signature = key.sign(CanonicalJson.encodeWithout(json, SIGNATURES, UNSIGNED));
        ObjectNode signatures = json.get(SIGNATURES) instanceof ObjectNode existing ? existing : json.putObject(SIGNATURES);
        ObjectNode byServer = signatures.get(serverName) instanceof ObjectNode existing ? existing : signatures.putObject(serverName);
        byServer.put(key.keyId(), UnpaddedBase64.encode(signature));
        return json;
    }

    /**
     * Whether {@code json} carries a valid signature by {@code serverName} under {@code key}'s key
     * ID. A missing or undecodable signature is simply invalid: callers decide which servers and
     * keys must have signed (spec appendix "Checking for a Signature").
     */
    public static boolean verifyJson(ObjectNode json, String serverName, VerifyKey key) {
        JsonNode encoded = json.path(SIGNATURES).path(serverName).path(key.keyId());
        if (!encoded.isTextual()) return false;
        byte[] signature;
        try {
            signature = UnpaddedBase64.decode(encoded.textValue());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return key.verify(CanonicalJson.encodeWithout(json, SIGNATURES, UNSIGNED), signature);
    }
}
