package org.myelin.core.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.core.json.CanonicalJson;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLimitsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode event() throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"type": "m.room.message", "room_id": "!r:x", "sender": "@u:x", "content": {"body": ""},
                 "origin_server_ts": 1, "depth": 2, "prev_events": [], "auth_events": [],
                 "hashes": {"sha256": "h"}, "signatures": {"x": {"ed25519:1": "s"}}}
                """);
    }

    @Test
    void ordinaryEventPasses() throws Exception {
        assertEquals(Optional.empty(), EventLimits.check(event()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sender", "room_id", "state_key", "type", "event_id"})
    void boundedFieldsAt255Bytes(String field) throws Exception {
        ObjectNode e = event();
        e.put(field, "a".repeat(255));
        assertEquals(Optional.empty(), EventLimits.check(e));
        e.put(field, "a".repeat(256));
        assertEquals(Optional.of(field + " is 256 bytes long; the limit is 255"), EventLimits.check(e));
    }

    @Test
    void fieldLimitsCountUtf8BytesNotCharacters() throws Exception {
        ObjectNode e = event();
        e.put("state_key", "é".repeat(128));
        assertEquals(Optional.of("state_key is 256 bytes long; the limit is 255"), EventLimits.check(e));
    }

    @Test
    void totalSizeLimitIsInclusiveAndCountsSignatures() throws Exception {
        ObjectNode e = event();
        int base = CanonicalJson.encode(e).length;
        ((ObjectNode) e.get("content")).put("body", "x".repeat(EventLimits.MAX_PDU_BYTES - base));
        assertEquals(EventLimits.MAX_PDU_BYTES, CanonicalJson.encode(e).length);
        assertEquals(Optional.empty(), EventLimits.check(e));

        ((ObjectNode) e.get("signatures").get("x")).put("ed25519:1", "ss");
        assertEquals(Optional.of("event is 65537 bytes as canonical JSON; the limit is 65536"), EventLimits.check(e));
    }
}
