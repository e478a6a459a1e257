package org.myelin.core.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.core.rooms.RoomVersion.EventIdFormat;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventIdsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void hashFormatsDifferInAlphabet() {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 0xfb);
        String v3 = EventIds.fromReferenceHash(hash, EventIdFormat.V3_BASE64);
        String v4 = EventIds.fromReferenceHash(hash, EventIdFormat.V4_URL_SAFE);
        assertEquals(44, v3.length());
        assertTrue(v3.startsWith("$+/") && !v3.contains("="), v3);
        assertEquals(v3.replace('+', '-').replace('/', '_'), v4);
        assertThrows(IllegalArgumentException.class, () -> EventIds.fromReferenceHash(hash, EventIdFormat.V1_LOCAL));
    }

    @Test
    void localIds() {
        String id = EventIds.newLocalId("example.org:8448");
        assertTrue(id.matches("\\$[A-Za-z]{18}:example\\.org:8448"), id);
    }

    @Test
    void v1IdsAreReadFromTheEvent() throws Exception {
        RoomVersion v1 = RoomVersion.require("1");
        assertEquals("$abc:x", EventIds.of((ObjectNode) MAPPER.readTree("{\"event_id\":\"$abc:x\"}"), v1));
        assertNull(EventIds.of((ObjectNode) MAPPER.readTree("{}"), v1));
    }
}
