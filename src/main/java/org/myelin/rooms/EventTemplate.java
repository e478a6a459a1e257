package org.myelin.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a client (or the server itself) asks to send: the parts of an event it chooses. */
public record EventTemplate(String type, String stateKey, String sender, ObjectNode content, String redacts) {
    public static EventTemplate message(String type, String sender, ObjectNode content) {
        return new EventTemplate(type, null, sender, content, null);
    }

    public static EventTemplate state(String type, String stateKey, String sender, ObjectNode content) {
        return new EventTemplate(type, stateKey, sender, content, null);
    }
}
