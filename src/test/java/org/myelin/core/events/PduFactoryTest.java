package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.crypto.UnpaddedBase64;
import org.myelin.core.rooms.RoomVersion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduFactoryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SigningKey KEY = SigningKey.generate();

    private static ObjectNode template(String roomId) throws Exception {
        ObjectNode t = (ObjectNode) MAPPER.readTree("""
                {"type": "m.room.message", "sender": "@alice:example.org",
                 "content": {"msgtype": "m.text", "body": "hello \\uD83D\\uDE00"},
                 "origin_server_ts": 1700000000000, "depth": 7, "prev_events": [], "auth_events": []}
                """);
        if (roomId != null) t.put("room_id", roomId);
        return t;
    }

    private static ObjectNode v12Create() throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"type": "m.room.create", "state_key": "", "sender": "@alice:example.org",
                 "content": {"room_version": "12", "additional_creators": ["@bob:example.com"]},
                 "origin_server_ts": 1700000000000, "depth": 1, "prev_events": [], "auth_events": []}
                """);
    }

    @Test
    void addsHashAndSignatureAndDoesNotTouchTheTemplate() throws Exception {
        ObjectNode t = template("!r:example.org");
        ObjectNode before = t.deepCopy();
        Event e = PduFactory.create(t, RoomVersion.require("10"), "example.org", KEY);
        assertEquals(before, t);
        assertEquals(UnpaddedBase64.encode(EventHashes.contentHash(e.pdu())), e.pdu().at("/hashes/sha256").asText());
        assertTrue(e.pdu().at("/signatures/example.org/" + KEY.keyId()).isTextual());
        assertEquals(1, e.pdu().get("signatures").size());
        assertFalse(e.pdu().has("event_id"));
        assertTrue(PduVerifier.hasValidContentHash(e.pdu()));
        assertTrue(PduVerifier.hasValidSignature(e.pdu(), RoomVersion.require("10"), "example.org", KEY.verifyKey()));
    }

    @Test
    void staleHashesAndSignaturesInTheTemplateAreReplaced() throws Exception {
        ObjectNode t = template("!r:example.org");
        t.putObject("hashes").put("sha256", "stale").put("other", "x");
        t.putObject("signatures").putObject("evil.org").put("ed25519:x", "forged");
        Event e = PduFactory.create(t, RoomVersion.require("11"), "example.org", KEY);
        assertEquals(1, e.pdu().get("hashes").size());
        assertFalse(e.pdu().get("signatures").has("evil.org"));
        assertEquals(e.eventId(), PduFactory.create(template("!r:example.org"), RoomVersion.require("11"), "example.org", KEY).eventId());
    }

    @Test
    void eventIdFormats() throws Exception {
        for (RoomVersion v : RoomVersion.all()) {
            Event e = PduFactory.create(template("!r:example.org"), v, "example.org", KEY);
            switch (v.eventIdFormat()) {
                case V1_LOCAL -> {
                    assertTrue(e.eventId().matches("\\$[A-Za-z]{18}:example\\.org"), e.eventId());
                    assertEquals(e.eventId(), e.pdu().get("event_id").asText());
                }
                case V3_BASE64 -> {
                    assertTrue(e.eventId().matches("\\$[A-Za-z0-9+/]{43}"), e.eventId());
                    assertEquals("$" + UnpaddedBase64.encode(EventHashes.referenceHash(e.pdu(), v)), e.eventId());
                }
                case V4_URL_SAFE -> {
                    assertTrue(e.eventId().matches("\\$[A-Za-z0-9_-]{43}"), e.eventId());
                    assertEquals("$" + UnpaddedBase64.encodeUrlSafe(EventHashes.referenceHash(e.pdu(), v)), e.eventId());
                }
            }
            assertEquals(e.eventId(), EventIds.of(e.pdu(), v), "receivers compute the same ID in v" + v.id());
        }
    }

    @Test
    void localIdsAreFreshEachTime() throws Exception {
        RoomVersion v1 = RoomVersion.require("1");
        assertNotEquals(PduFactory.create(template("!r:example.org"), v1, "example.org", KEY).eventId(),
                PduFactory.create(template("!r:example.org"), v1, "example.org", KEY).eventId());
    }

    @Test
    void hashIdsAreDeterministic() throws Exception {
        RoomVersion v = RoomVersion.require("11");
        assertEquals(PduFactory.create(template("!r:example.org"), v, "example.org", KEY).eventId(),
                PduFactory.create(template("!r:example.org"), v, "example.org", KEY).eventId());
    }

    @Test
    void eventIdSurvivesRedaction() throws Exception {
        for (RoomVersion v : RoomVersion.all()) {
            Event e = PduFactory.create(template("!r:example.org"), v, "example.org", KEY);
            ObjectNode redacted = Redaction.redact(e.pdu(), v);
            assertEquals(e.eventId(), EventIds.of(redacted, v), v.id());
            assertTrue(PduVerifier.hasValidSignature(redacted, v, "example.org", KEY.verifyKey()), v.id());
            assertFalse(PduVerifier.hasValidContentHash(redacted), v.id());
        }
    }

    @Test
    void v12CreateEventHasNoRoomIdAndNamesTheRoom() throws Exception {
        RoomVersion v12 = RoomVersion.require("12");
        Event create = PduFactory.create(v12Create(), v12, "example.org", KEY);
        assertFalse(create.pdu().has("room_id"));
        assertEquals("!" + create.eventId().substring(1), create.roomId());
        assertTrue(create.eventId().matches("\\$[A-Za-z0-9_-]{43}"));
        assertTrue(PduVerifier.hasValidSignature(create.pdu(), v12, "example.org", KEY.verifyKey()));

        // additional_creators is covered by the signature, since v11+ redaction keeps all create content.
        ObjectNode tampered = create.pdu().deepCopy();
        ((ObjectNode) tampered.get("content")).putArray("additional_creators").add("@mallory:evil.org");
        assertFalse(PduVerifier.hasValidSignature(tampered, v12, "example.org", KEY.verifyKey()));
        assertNotEquals(create.eventId(), EventIds.of(tampered, v12));
    }

    @Test
    void referencesFollowTheRoomVersionFormat() throws Exception {
        RoomVersion v1 = RoomVersion.require("1");
        Event target = PduFactory.create(template("!r:example.org"), v1, "example.org", KEY);
        JsonNode pair = PduFactory.reference(target, v1);
        assertTrue(pair.isArray());
        assertEquals(2, pair.size());
        assertEquals(target.eventId(), pair.get(0).asText());
        assertEquals(UnpaddedBase64.encode(EventHashes.referenceHash(target.pdu(), v1)), pair.get(1).get("sha256").asText());

        ObjectNode next = template("!r:example.org");
        next.putArray("prev_events").add(pair);
        next.putArray("auth_events").add(pair);
        Event child = PduFactory.create(next, v1, "example.org", KEY);
        assertEquals(java.util.List.of(target.eventId()), child.prevEvents());

        RoomVersion v4 = RoomVersion.require("4");
        Event modern = PduFactory.create(template("!r:example.org"), v4, "example.org", KEY);
        assertEquals(MAPPER.getNodeFactory().textNode(modern.eventId()), PduFactory.reference(modern, v4));
    }

    @Test
    void unsignedIsKeptButNotCovered() throws Exception {
        RoomVersion v = RoomVersion.require("11");
        ObjectNode t = template("!r:example.org");
        t.putObject("unsigned").put("age_ts", 5);
        Event e = PduFactory.create(t, v, "example.org", KEY);
        assertEquals(5, e.pdu().at("/unsigned/age_ts").asInt());
        assertEquals(PduFactory.create(template("!r:example.org"), v, "example.org", KEY).pdu().get("signatures"),
                e.pdu().get("signatures"));
    }
}
