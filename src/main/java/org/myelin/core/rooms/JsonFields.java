package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading event content defensively: content comes from other servers and may have any shape. */
final class JsonFields {
    private JsonFields() {}

    /** {@code object[field]} if {@code object} is an object and the value a string, else null. */
    static String text(JsonNode object, String field) {
        JsonNode value = object == null ? null : object.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
