package org.myelin.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * Writes a Jackson tree as canonical JSON straight into a UTF-8 byte buffer. Single use, not
 * thread-safe; {@link CanonicalJson} is the public entry point.
 */
final class CanonicalJsonWriter {
    private static final String[] NOTHING_OMITTED = new String[0];
    private static final Comparator<Map.Entry<String, JsonNode>> BY_KEY =
            (a, b) -> CanonicalJson.compareCodePoints(a.getKey(), b.getKey());
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[512];
    private int len;

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void writeValue(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject((ObjectNode) node, NOTHING_OMITTED);
            case ARRAY -> writeArray(node);
            case STRING -> writeString(node.textValue());
            case NUMBER -> writeAscii(CanonicalNumbers.format(node));
            case BOOLEAN -> writeAscii(node.booleanValue() ? "true" : "false");
            case NULL -> writeAscii("null");
            case BINARY, POJO, MISSING -> throw new IllegalArgumentException(
                    "canonical JSON cannot represent a " + node.getNodeType() + " node");
        }
    }

    void writeObject(ObjectNode object, String[] omittedKeys) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, JsonNode>[] entries = object.properties().toArray(new Map.Entry[0]);
        if (entries.length > 1) Arrays.sort(entries, BY_KEY);
        put('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : entries) {
            if (isOmitted(e.getKey(), omittedKeys)) continue;
            if (!first) put(',');
            first = false;
            writeString(e.getKey());
            put(':');
            writeValue(e.getValue());
        }
        put('}');
    }

    private static boolean isOmitted(String key, String[] omittedKeys) {
        for (String k : omittedKeys) {
            if (k.equals(key)) return true;
        }
        return false;
    }

    private void writeArray(JsonNode array) {
        put('[');
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) put(',');
            writeValue(array.get(i));
        }
        put(']');
    }

    /** Escapes only what the grammar requires: '"', '\' and the C0 controls; all else is raw UTF-8. */
    private void writeString(String s) {
        int n = s.length();
        ensure(n * 6 + 2); // worst case: every char a six-byte \\u00XX escape
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') buf[len++] = (byte) c;
                else writeEscape(c);
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                throw new IllegalArgumentException("string has an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at index " + i + ", which UTF-8 cannot encode");
            }
        }
        buf[len++] = '"';
    }

    private void writeEscape(char c) {
        buf[len++] = '\\';
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm != 0) {
            buf[len++] = (byte) shortForm;
        } else {
            // Lower-case hex, as Python's json module writes it (e.g. \u001b).
            buf[len++] = 'u';
            buf[len++] = '0';
            buf[len++] = '0';
            buf[len++] = HEX[c >> 4];
            buf[len++] = HEX[c & 0xF];
        }
    }

    private void writeAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
