package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Strict, schema-following reads of one JSON object of a filter. A field that is present must
 * have the schema's type; JSON null is not a value of any filter field and is rejected like any
 * other wrong type. Absent fields read as null.
 */
final class FilterJson {
    private final ObjectNode object;
    private final String path;

    private FilterJson(ObjectNode object, String path) {
        this.object = object;
        this.path = path;
    }

    /** Wraps {@code node}, which must be a JSON object; {@code path} is its dotted path ("" at the top). */
    static FilterJson of(JsonNode node, String path) {
        if (!(node instanceof ObjectNode o)) {
            throw new FilterException(path, (path.isEmpty() ? "filter" : path) + " must be a JSON object");
        }
        return new FilterJson(o, path);
    }

    String path(String field) { return path.isEmpty() ? field : path + "." + field; }

    private JsonNode get(String field) {
        JsonNode n = object.get(field);
        if (n != null && n.isNull()) throw new FilterException(path(field), path(field) + " must not be null");
        return n;
    }

    /** A nested object, wrapped, or null when absent. */
    FilterJson object(String field) {
        JsonNode n = get(field);
        return n == null ? null : of(n, path(field));
    }

    Boolean bool(String field) {
        JsonNode n = get(field);
        if (n == null) return null;
        if (!n.isBoolean()) throw new FilterException(path(field), path(field) + " must be a boolean");
        return n.booleanValue();
    }

    String string(String field) {
        JsonNode n = get(field);
        if (n == null) return null;
        if (!n.isTextual()) throw new FilterException(path(field), path(field) + " must be a string");
        return n.textValue();
    }

    /**
     * A positive integer, clamped to {@link Integer#MAX_VALUE} (servers cap limits far lower
     * anyway), or null when absent. Floats such as {@code 10.0} are not integers in JSON schema
     * terms here: clients send integers.
     */
    Integer positiveInt(String field) {
        JsonNode n = get(field);
        if (n == null) return null;
        if (!n.isIntegralNumber()) throw new FilterException(path(field), path(field) + " must be an integer");
        if (n.bigIntegerValue().signum() <= 0) {
            throw new FilterException(path(field), path(field) + " must be an integer greater than 0");
        }
        return n.canConvertToInt() ? n.intValue() : Integer.MAX_VALUE;
    }

    /** An array of strings as an unmodifiable list, or null when absent. */
    List<String> strings(String field) { return strings(field, null, null); }

    /**
     * An array of Matrix IDs of one kind ({@code noun}, e.g. "room ID"), each starting with
     * {@code sigil}, as an unmodifiable list; null when absent.
     */
    List<String> ids(String field, String sigil, String noun) { return strings(field, sigil, noun); }

    private List<String> strings(String field, String sigil, String noun) {
        JsonNode n = get(field);
        if (n == null) return null;
        String what = noun == null ? "strings" : noun + "s";
        if (!n.isArray()) throw new FilterException(path(field), path(field) + " must be an array of " + what);
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String at = path(field) + "[" + i + "]";
            if (!e.isTextual()) throw new FilterException(path(field), at + " must be a string");
            String s = e.textValue();
            if (sigil != null && !s.startsWith(sigil)) {
                throw new FilterException(path(field), at + " must be a " + noun + " starting with '" + sigil
                        + "', got '" + abbreviate(s) + "'");
            }
            out.add(s);
        }
        return Collections.unmodifiableList(out);
    }

    private static String abbreviate(String s) { return s.length() <= 80 ? s : s.substring(0, 77) + "..."; }
}
