package org.myelin.core.crypto;

import java.util.Base64;

/**
 * The Base64 flavours Matrix uses (spec appendix "Unpadded Base64"): keys, signatures and hashes
 * are written without '=' padding, in the standard alphabet, except event IDs from room version 4
 * on, which use the URL-safe one. Decoding accepts input with or without padding, as the spec asks.
 */
public final class UnpaddedBase64 {
    private static final Base64.Encoder STANDARD = Base64.getEncoder().withoutPadding();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private UnpaddedBase64() {}

    public static String encode(byte[] data) {
        return STANDARD.encodeToString(data);
    }

    public static String encodeUrlSafe(byte[] data) {
        return URL_SAFE.encodeToString(data);
    }

    /** @throws IllegalArgumentException if {@code text} is not standard-alphabet Base64 */
    public static byte[] decode(String text) {
        return Base64.getDecoder().decode(text);
    }

    /** @throws IllegalArgumentException if {@code text} is not URL-safe-alphabet Base64 */
    public static byte[] decodeUrlSafe(String text) {
        return Base64.getUrlDecoder().decode(text);
    }
}
