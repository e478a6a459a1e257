package org.myelin.core.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningKeyTest {
    /** The fixed seed of the spec appendix "Cryptographic Test Vectors". */
    static final String SPEC_SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

    static SigningKey specKey() {
        return SigningKey.fromSeed("1", UnpaddedBase64.decode(SPEC_SEED));
    }

    @Test
    void keyIdIsAlgorithmAndVersion() {
        assertEquals("ed25519:1", specKey().keyId());
        assertEquals("1", specKey().version());
        assertEquals("ed25519:1", specKey().verifyKey().keyId());
    }

    /** Cross-checks BouncyCastle against the JDK's independent ed25519 implementation. */
    @Test
    void agreesWithTheJdkImplementation() throws Exception {
        byte[] seed = UnpaddedBase64.decode(SPEC_SEED);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        gen.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
        var jdkPair = gen.generateKeyPair();
        byte[] x509 = jdkPair.getPublic().getEncoded();
        assertArrayEquals(Arrays.copyOfRange(x509, x509.length - 32, x509.length), specKey().verifyKey().publicKey());

        byte[] message = "{\"one\":1,\"two\":\"Two\"}".getBytes(StandardCharsets.UTF_8);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(jdkPair.getPrivate());
        jdk.update(message);
        assertArrayEquals(jdk.sign(), specKey().sign(message));
    }

    @Test
    void signaturesVerify() {
        SigningKey key = SigningKey.generate();
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(message);
        assertEquals(64, sig.length);
        assertTrue(key.verifyKey().verify(message, sig));
        assertFalse(key.verifyKey().verify("hellO".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(specKey().verifyKey().verify(message, sig));
    }

    @Test
    void generatedVersionsLookLikeSynapses() {
        SigningKey a = SigningKey.generate();
        assertTrue(a.version().matches("a_[A-Za-z0-9]{4}"), a.version());
        assertFalse(Arrays.equals(a.verifyKey().publicKey(), SigningKey.generate().verifyKey().publicKey()));
    }

    @Test
    void synapseFormatRoundTrip() {
        SigningKey key = specKey();
        // The spec's seed sets two of the unused trailing bits of its last Base64 character ('1');
        // decoders ignore them, and re-encoding gives the canonical '0'.
        assertEquals("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0", key.serialize());
        SigningKey again = SigningKey.parse("  ed25519   1\t" + SPEC_SEED + "\n");
        assertEquals(key.keyId(), again.keyId());
        assertArrayEquals(key.verifyKey().publicKey(), again.verifyKey().publicKey());
        assertEquals(key.serialize(), SigningKey.parse(key.serialize()).serialize());
    }

    @Test
    void parseRejectsMalformedLines() {
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("ed25519 1"));
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("curve448 1 " + SPEC_SEED));
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("ed25519 a-b " + SPEC_SEED));
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("ed25519 1 not*base64"));
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("ed25519 1 Zm9vYmFy"));
    }

    @Test
    void saveThenLoad(@TempDir Path dir) throws IOException {
        SigningKey key = SigningKey.generate();
        Path file = dir.resolve("signing.key");
        key.save(file);
        assertEquals(key.serialize() + "\n", Files.readString(file));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        SigningKey loaded = SigningKey.load(file);
        assertEquals(key.keyId(), loaded.keyId());
        assertArrayEquals(key.verifyKey().publicKey(), loaded.verifyKey().publicKey());
    }

    @Test
    void saveRefusesToOverwrite(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("signing.key");
        Files.writeString(file, "precious");
        assertThrows(FileAlreadyExistsException.class, () -> SigningKey.generate().save(file));
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void loadTakesTheFirstKeyLikeSynapse(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("multi.key");
        Files.writeString(file, "\n" + specKey().serialize() + "\n" + SigningKey.generate().serialize() + "\n");
        assertEquals("ed25519:1", SigningKey.load(file).keyId());
    }

    @Test
    void loadReportsTheFileOnError(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.key"), "\n  \n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SigningKey.load(empty)).getMessage().contains("empty.key"));
        Path bad = Files.writeString(dir.resolve("bad.key"), "ed25519 1\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SigningKey.load(bad)).getMessage().contains("bad.key"));
    }

    @Test
    void toStringDoesNotLeakTheSeed() {
        String s = specKey().toString();
        assertFalse(s.contains(SPEC_SEED.substring(0, 40)), s);
        assertTrue(s.startsWith("ed25519:1 "), s);
    }

    /** Hands the JDK key generator a chosen seed. */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) { this.seed = seed; }

        @Override
        public void nextBytes(byte[] bytes) { System.arraycopy(seed, 0, bytes, 0, bytes.length); }
    }
}
