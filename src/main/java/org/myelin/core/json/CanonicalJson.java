package org.myelin.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * Canonical JSON (spec appendix "Canonical JSON"): the exact bytes that signatures, content hashes
 * and event IDs are computed over. Every server must produce the same bytes for the same value, so
 * this is a hand-written writer rather than Jackson's serialiser, whose output differs from Python's
 * canonicaljson (what Synapse uses): Jackson sorts keys by UTF-16 unit instead of code point,
 * escapes astral characters as surrogate pairs and writes upper-case hex escapes.
 *
 * <p>Numbers: integral values are written as plain integers, including integral floats such as
 * {@code 1e10} and {@code -0.0} (the spec's own examples require that). Non-integral floats have no
 * canonical form; they only occur in events of the lenient room versions 1-5 and are written as
 * Python's {@code repr} would, so that hashes agree with Synapse, the origin of most such events.
 * Use {@link StrictCanonicalJson} to reject them where the room version demands it.
 *
 * <p>Every method throws {@link IllegalArgumentException} if the value holds something canonical
 * JSON cannot express (a string with an unpaired surrogate, NaN or an infinity, a binary or POJO
 * node) rather than produce bytes no other server would agree with.
 */
public final class CanonicalJson {
    /**
     * Orders strings by Unicode code point, the order canonical JSON sorts object keys in. Plain
     * {@link String#compareTo} compares UTF-16 units, which puts astral characters (encoded as
     * surrogates, U+D800-DFFF) before BMP characters U+E000-FFFF such as U+FB01.
     */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private CanonicalJson() {}

    /** The canonical UTF-8 bytes of {@code value}. */
    public static byte[] encode(JsonNode value) {
        CanonicalJsonWriter w = new CanonicalJsonWriter();
        w.writeValue(value);
        return w.toByteArray();
    }

    /**
     * The canonical bytes of {@code object} as if the given top-level keys were absent. Signing and
     * hashing exclude keys such as {@code signatures} and {@code unsigned}; this avoids copying the
     * whole event just to drop them.
     */
    public static byte[] encodeWithout(ObjectNode object, String... omittedTopLevelKeys) {
        CanonicalJsonWriter w = new CanonicalJsonWriter();
        w.writeObject(object, omittedTopLevelKeys);
        return w.toByteArray();
    }

    /** The canonical form as a Java string, for logs and tests; protocol code should use bytes. */
    public static String encodeToString(JsonNode value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) return codePointRank(x) - codePointRank(y);
        }
        return a.length() - b.length();
    }

    /**
     * At the first differing UTF-16 unit, the units' order equals the code points' order except that
     * surrogates stand for code points above U+FFFF; lifting them above the BMP restores that.
     */
    private static int codePointRank(char c) {
        return Character.isSurrogate(c) ? c + 0x10000 : c;
    }
}
