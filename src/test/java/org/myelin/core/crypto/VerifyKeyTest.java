package org.myelin.core.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyKeyTest {
    private final SigningKey signer = SigningKey.generate();
    private final byte[] message = "payload".getBytes(StandardCharsets.UTF_8);

    @Test
    void base64RoundTrip() {
        VerifyKey key = signer.verifyKey();
        VerifyKey again = VerifyKey.fromBase64(key.keyId(), key.publicKeyBase64());
        assertArrayEquals(key.publicKey(), again.publicKey());
        assertEquals(43, key.publicKeyBase64().length());
        assertTrue(again.verify(message, signer.sign(message)));
    }

    @Test
    void badSignaturesAreFalseNotExceptions() {
        byte[] sig = signer.sign(message);
        byte[] flipped = sig.clone();
        flipped[10] ^= 1;
        assertFalse(signer.verifyKey().verify(message, flipped));
        assertFalse(signer.verifyKey().verify(message, Arrays.copyOf(sig, 63)));
        assertFalse(signer.verifyKey().verify(message, Arrays.copyOf(sig, 65)));
        assertFalse(signer.verifyKey().verify(message, new byte[0]));
    }

    @Test
    void rejectsMalformedKeys() {
        assertThrows(IllegalArgumentException.class, () -> VerifyKey.of("ed25519:x", new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> VerifyKey.fromBase64("ed25519:x", "??"));
    }

    @Test
    void publicKeyIsACopy() {
        VerifyKey key = signer.verifyKey();
        key.publicKey()[0] ^= 1;
        assertTrue(key.verify(message, signer.sign(message)));
    }
}
