package org.myelin.core.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A server's public ed25519 key, under the key ID it is published with (e.g. {@code ed25519:a_1bC}).
 * Immutable and thread-safe: the decoded curve point is computed once and verification keeps no
 * state, so one instance can serve every federation request.
 */
public final class VerifyKey {
    private final String keyId;
    private final Ed25519PublicKeyParameters key;

    private VerifyKey(String keyId, Ed25519PublicKeyParameters key) {
        this.keyId = keyId;
        this.key = key;
    }

    /** @throws IllegalArgumentException if the bytes are not a valid 32-byte ed25519 public key */
    public static VerifyKey of(String keyId, byte[] publicKey) {
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an ed25519 public key is 32 bytes, got " + publicKey.length);
        }
        return new VerifyKey(keyId, new Ed25519PublicKeyParameters(publicKey));
    }

    /** From the unpadded Base64 form that key servers publish. */
    public static VerifyKey fromBase64(String keyId, String publicKeyBase64) {
        return of(keyId, UnpaddedBase64.decode(publicKeyBase64));
    }

    public String keyId() { return keyId; }

    public byte[] publicKey() { return key.getEncoded(); }

    public String publicKeyBase64() { return UnpaddedBase64.encode(key.getEncoded()); }

    /** False for a wrong signature and for one of the wrong length, never an exception. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Ed25519.SIGNATURE_SIZE) return false;
        return key.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }

    @Override
    public String toString() { return keyId + " " + publicKeyBase64(); }
}
