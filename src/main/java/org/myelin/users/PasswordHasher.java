package org.myelin.users;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;

/**
 * Argon2id password hashes in the PHC string format ($argon2id$v=19$m=..,t=..,p=..$salt$hash).
 * Parameters follow the OWASP recommendation (19 MiB, 2 passes, 1 lane); they are stored in each
 * hash, so raising them later keeps old hashes verifiable.
 */
public final class PasswordHasher {
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /**
     * Each derivation holds MEMORY_KIB of live heap while it runs; more derivations than cores
     * would not finish sooner, so the extra ones wait their turn and live hash memory stays at
     * cores x 19 MiB. (Peak RSS in a login burst is set by the garbage, not by this: the heap
     * still grows towards -Xmx, see docs/benchmarks.md.)
     */
    private static final Semaphore SLOTS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()), true);

    private PasswordHasher() {}

    /**
     * Spends the time of one verification on a hash that matches nothing, so that a timing probe
     * cannot tell unknown users from wrong passwords. The hash is made on first use, not at class
     * load: it takes 19 MiB of heap that an idle server would otherwise keep committed.
     */
    public static void verifyNothing(String password) {
        verify(password == null ? "" : password, Dummy.HASH);
    }

    private static final class Dummy {
        static final String HASH = hash("not-a-real-password");
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    public static boolean verify(String password, String encoded) {
        if (encoded == null || !encoded.startsWith("$argon2id$")) return false;
        try {
            String[] parts = encoded.split("\\$");
            // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
            if (parts.length != 6) return false;
            int m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.charAt(0)) {
                    case 'm' -> m = v;
                    case 't' -> t = v;
                    case 'p' -> p = v;
                    default -> { return false; }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, m, t, p, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int memKib, int iterations, int lanes, int len) {
        SLOTS.acquireUninterruptibly();
        try {
            return deriveNow(password, salt, memKib, iterations, lanes, len);
        } finally {
            SLOTS.release();
        }
    }

    private static byte[] deriveNow(String password, byte[] salt, int memKib, int iterations, int lanes, int len) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
