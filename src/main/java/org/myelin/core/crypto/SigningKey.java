package org.myelin.core.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The server's private ed25519 signing key and its key ID ({@code ed25519:<version>}).
 *
 * <p>Stored in Synapse's key file format, one line {@code ed25519 <version> <unpadded-base64-seed>},
 * so that a key can move between Myelin and Synapse: a server that changes its key loses the
 * ability to prove it sent its past events until remote servers refetch keys.
 *
 * <p>Immutable and thread-safe: signing goes through BouncyCastle's stateless one-shot API, so one
 * instance serves all threads with no locking or per-call signer objects.
 */
public final class SigningKey {
    public static final String ALGORITHM = "ed25519";

    /** The spec restricts key versions to [a-zA-Z0-9_] (server-server API, verify_keys). */
    private static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9_]+");
    private static final String VERSION_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String version;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(String version, Ed25519PrivateKeyParameters privateKey) {
        this.version = version;
        this.privateKey = privateKey;
        this.verifyKey = VerifyKey.of(keyId(), privateKey.generatePublicKey().getEncoded());
    }

    /** A fresh key with a random version of the form Synapse uses, {@code a_} and four letters or digits. */
    public static SigningKey generate() {
        StringBuilder v = new StringBuilder("a_");
        for (int i = 0; i < 4; i++) v.append(VERSION_ALPHABET.charAt(RANDOM.nextInt(VERSION_ALPHABET.length())));
        return new SigningKey(v.toString(), new Ed25519PrivateKeyParameters(RANDOM));
    }

    /** @throws IllegalArgumentException for a malformed version or a seed that is not 32 bytes */
    public static SigningKey fromSeed(String version, byte[] seed) {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("key version must match [a-zA-Z0-9_]+, got '" + version + "'");
        }
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an ed25519 seed is 32 bytes, got " + seed.length);
        }
        return new SigningKey(version, new Ed25519PrivateKeyParameters(seed));
    }

    /**
     * Parses one key file line, {@code ed25519 <version> <seed>}.
     *
     * @throws IllegalArgumentException with a message fit for an operator if the line is malformed
     */
    public static SigningKey parse(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected 'ed25519 <version> <base64 seed>' in the signing key file");
        }
        if (!ALGORITHM.equals(parts[0])) {
            throw new IllegalArgumentException("unsupported signing key algorithm '" + parts[0] + "', only ed25519 is known");
        }
        byte[] seed;
        try {
            seed = UnpaddedBase64.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing key seed is not valid base64", e);
        }
        return fromSeed(parts[1], seed);
    }

    /**
     * Reads a Synapse-format key file. Such files may list several keys; like Synapse, the first one
     * is the signing key and the rest are ignored.
     */
    public static SigningKey load(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    return parse(line);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException(file + ": the signing key file is empty");
    }

    /**
     * Writes the key file, readable by the owner only where the file system supports POSIX
     * permissions. Refuses to overwrite an existing file, since replacing a server's key by
     * accident breaks federation with it.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public void save(Path file) throws IOException {
        byte[] text = (serialize() + "\n").getBytes(StandardCharsets.UTF_8);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.write(file, text);
    }

    /** The key file line, {@code ed25519 <version> <seed>}. Contains the secret. */
    public String serialize() {
        return ALGORITHM + " " + version + " " + UnpaddedBase64.encode(privateKey.getEncoded());
    }

    public String version() { return version; }

    /** {@code ed25519:<version>}, the name signatures are filed under. */
    public String keyId() { return ALGORITHM + ":" + version; }

    public VerifyKey verifyKey() { return verifyKey; }

    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
        return signature;
    }

    /** Shows the key ID and public key only, so that logging a key never leaks it. */
    @Override
    public String toString() { return verifyKey.toString(); }
}
