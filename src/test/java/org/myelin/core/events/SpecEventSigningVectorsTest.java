package org.myelin.core.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.core.crypto.JsonSigning;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.crypto.UnpaddedBase64;
import org.myelin.core.rooms.RoomVersion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec appendix "Event Signing" vectors, reproduced byte for byte. */
class SpecEventSigningVectorsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final SigningKey SPEC_KEY = SigningKey.fromSeed("1", UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));

    static final String MINIMAL_INPUT = """
            {
                "room_id": "!x:domain",
                "sender": "@a:domain",
                "origin": "domain",
                "origin_server_ts": 1000000,
                "signatures": {},
                "hashes": {},
                "type": "X",
                "content": {},
                "prev_events": [],
                "auth_events": [],
                "depth": 3,
                "unsigned": {
                    "age_ts": 1000000
                }
            }""";

    static final String MINIMAL_SIGNED = """
            {
                "auth_events": [],
                "content": {},
                "depth": 3,
                "hashes": {
                    "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
                },
                "origin": "domain",
                "origin_server_ts": 1000000,
                "prev_events": [],
                "room_id": "!x:domain",
                "sender": "@a:domain",
                "signatures": {
                    "domain": {
                        "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
                    }
                },
                "type": "X",
                "unsigned": {
                    "age_ts": 1000000
                }
            }""";

    static final String REDACTABLE_INPUT = """
            {
                "content": {
                    "body": "Here is the message content"
                },
                "event_id": "$0:domain",
                "origin": "domain",
                "origin_server_ts": 1000000,
                "type": "m.room.message",
                "room_id": "!r:domain",
                "sender": "@u:domain",
                "signatures": {},
                "unsigned": {
                    "age_ts": 1000000
                }
            }""";

    static final String REDACTABLE_SIGNED = """
            {
                "content": {
                    "body": "Here is the message content"
                },
                "event_id": "$0:domain",
                "hashes": {
                    "sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"
                },
                "origin": "domain",
                "origin_server_ts": 1000000,
                "type": "m.room.message",
                "room_id": "!r:domain",
                "sender": "@u:domain",
                "signatures": {
                    "domain": {
                        "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
                    }
                },
                "unsigned": {
                    "age_ts": 1000000
                }
            }""";

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }

    /**
     * The vector has no event_id, so it is an event of a hash-ID room version; its signature covers
     * {@code origin}, which only versions before 11 protect from redaction.
     */
    @ParameterizedTest
    @ValueSource(strings = {"3", "4", "5", "6", "7", "8", "9", "10"})
    void minimalEventThroughTheFactory(String version) throws Exception {
        Event e = PduFactory.create(json(MINIMAL_INPUT), RoomVersion.require(version), "domain", SPEC_KEY);
        assertEquals(json(MINIMAL_SIGNED), e.pdu());
    }

    /** Expected IDs computed independently with Python's hashlib and json modules. */
    @Test
    void minimalEventIds() throws Exception {
        assertEquals("$8yif6p8EqgoSten2BLje9ntKm720NyFLWQv9tn8memc",
                PduFactory.create(json(MINIMAL_INPUT), RoomVersion.require("3"), "domain", SPEC_KEY).eventId());
        assertEquals("$8yif6p8EqgoSten2BLje9ntKm720NyFLWQv9tn8memc",
                PduFactory.create(json(MINIMAL_INPUT), RoomVersion.require("10"), "domain", SPEC_KEY).eventId());
        // v11 no longer protects "origin", so the reference hash and the ID change.
        assertEquals("$70O_oKlXzFbkfu0KE88USi98DjSWrOELrPj-8tisl8I",
                PduFactory.create(json(MINIMAL_INPUT), RoomVersion.require("11"), "domain", SPEC_KEY).eventId());
    }

    /** Room version 1 keeps the given event_id; the message body is hashed but not signed. */
    @Test
    void redactableEventThroughTheFactory() throws Exception {
        Event e = PduFactory.create(json(REDACTABLE_INPUT), RoomVersion.require("1"), "domain", SPEC_KEY);
        assertEquals(json(REDACTABLE_SIGNED), e.pdu());
        assertEquals("$0:domain", e.eventId());
    }

    /** The same vector following the spec's algorithm step by step, without the factory. */
    @Test
    void redactableEventStepByStep() throws Exception {
        ObjectNode event = json(REDACTABLE_INPUT);
        event.putObject("hashes").put("sha256", UnpaddedBase64.encode(EventHashes.contentHash(event)));
        ObjectNode stripped = Redaction.redact(event, RoomVersion.require("1"));
        JsonSigning.signJson(stripped, "domain", SPEC_KEY);
        event.set("signatures", stripped.get("signatures"));
        assertEquals(json(REDACTABLE_SIGNED), event);
        assertTrue(PduVerifier.hasValidContentHash(event));
        assertTrue(PduVerifier.hasValidSignature(event, RoomVersion.require("1"), "domain", SPEC_KEY.verifyKey()));
    }

    @Test
    void signedVectorsVerify() throws Exception {
        for (String version : new String[] {"3", "10"}) {
            ObjectNode minimal = json(MINIMAL_SIGNED);
            assertTrue(PduVerifier.hasValidContentHash(minimal));
            assertTrue(PduVerifier.hasValidSignature(minimal, RoomVersion.require(version), "domain", SPEC_KEY.verifyKey()));
        }
    }
}
