package org.myelin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to fields of a JSON object from a request, turning absent fields into
 * M_MISSING_PARAM and wrongly typed ones into M_BAD_JSON, so handlers never see a ClassCast or
 * NullPointer from client input.
 */
public record Body(ObjectNode json) {

    public static Body of(JsonNode n) {
        if (!(n instanceof ObjectNode o)) throw MatrixException.badJson("Request body must be a JSON object");
        return new Body(o);
    }

    public boolean has(String field) {
        JsonNode n = json.get(field);
        return n != null && !n.isNull();
    }

    public JsonNode raw(String field) { return json.get(field); }

    public String requireString(String field) {
        String s = optString(field);
        if (s == null) throw MatrixException.missingParam("Missing string field '" + field + "'");
        return s;
    }

    public String optString(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw MatrixException.badJson("Field '" + field + "' must be a string");
        return n.asText();
    }

    /**
     * Like {@link #optString}, for values that are stored as text columns (names, device IDs, URLs):
     * U+0000 is refused with M_INVALID_PARAM, because PostgreSQL text cannot hold it (SQLite can, and
     * both backends must answer alike). Strings inside stored JSON need no such care.
     */
    public String optText(String field) {
        String s = optString(field);
        if (s != null && s.indexOf('\0') >= 0) {
            throw MatrixException.invalidParam("Field '" + field + "' must not contain NUL characters");
        }
        return s;
    }

    public Boolean optBool(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw MatrixException.badJson("Field '" + field + "' must be a boolean");
        return n.asBoolean();
    }

    public boolean bool(String field, boolean dflt) {
        Boolean b = optBool(field);
        return b == null ? dflt : b;
    }

    public Long optLong(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw MatrixException.badJson("Field '" + field + "' must be an integer");
        }
        return n.asLong();
    }

    public ObjectNode optObject(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!(n instanceof ObjectNode o)) throw MatrixException.badJson("Field '" + field + "' must be an object");
        return o;
    }

    public ObjectNode requireObject(String field) {
        ObjectNode o = optObject(field);
        if (o == null) throw MatrixException.missingParam("Missing object field '" + field + "'");
        return o;
    }

    public Body optBody(String field) {
        ObjectNode o = optObject(field);
        return o == null ? null : new Body(o);
    }

    /** An array of strings, or null when absent. */
    public List<String> optStringList(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw MatrixException.badJson("Field '" + field + "' must be an array of strings");
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) throw MatrixException.badJson("Field '" + field + "' must be an array of strings");
            out.add(e.asText());
        }
        return out;
    }
}
