package org.myelin.core.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The value restrictions that room versions 6 and later enforce (spec: "Servers MUST strictly
 * enforce the JSON format"): no floats at all, even integral ones like {@code 1.0} or {@code 1e10},
 * and integers only within [-(2^53)+1, 2^53-1], the range a double holds exactly. Events breaking
 * them are answered with 400 M_BAD_JSON on the client API and dropped over federation.
 */
public final class StrictCanonicalJson {
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    public static final long MIN_SAFE_INTEGER = -MAX_SAFE_INTEGER;

    private StrictCanonicalJson() {}

    /**
     * The first violation found, as a message naming the offending value and its path (for example
     * {@code content.users.@bob:example.org}), or empty if {@code value} is acceptable.
     */
    public static Optional<String> violation(JsonNode value) {
        return Optional.ofNullable(find(value, new StringBuilder()));
    }

    private static String find(JsonNode node, StringBuilder path) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                int mark = path.length();
                if (mark > 0) path.append('.');
                path.append(e.getKey());
                String found = find(e.getValue(), path);
                if (found != null) return found;
                path.setLength(mark);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                int mark = path.length();
                path.append('[').append(i).append(']');
                String found = find(node.get(i), path);
                if (found != null) return found;
                path.setLength(mark);
            }
        } else if (node.isNumber()) {
            return numberViolation(node, path);
        }
        return null;
    }

    private static String numberViolation(JsonNode n, StringBuilder path) {
        String where = path.isEmpty() ? "at the top level" : "at " + path;
        if (!n.isIntegralNumber()) {
            return "float " + n.asText() + " " + where + " is not allowed: canonical JSON numbers must be integers";
        }
        boolean inRange = n.canConvertToLong()
                && n.longValue() >= MIN_SAFE_INTEGER && n.longValue() <= MAX_SAFE_INTEGER;
        if (!inRange) {
            BigInteger v = n.bigIntegerValue();
            return "integer " + v + " " + where + " is outside the allowed range [-(2^53)+1, (2^53)-1]";
        }
        return null;
    }
}
