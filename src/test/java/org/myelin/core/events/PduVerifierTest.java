package org.myelin.core.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.core.crypto.SigningKey;
import org.myelin.core.rooms.RoomVersion;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduVerifierTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SigningKey KEY = SigningKey.generate();
    private static final RoomVersion V11 = RoomVersion.require("11");

    private static ObjectNode signedMessage() throws Exception {
        ObjectNode t = (ObjectNode) MAPPER.readTree("""
                {"type": "m.room.message", "room_id": "!r:a.org", "sender": "@u:a.org", "content": {"body": "hi"},
                 "origin_server_ts": 1, "depth": 2, "prev_events": ["$p"], "auth_events": ["$a"]}
                """);
        return PduFactory.create(t, V11, "a.org", KEY).pdu();
    }

    @Test
    void editedContentBreaksTheHashButNotTheSignature() throws Exception {
        ObjectNode pdu = signedMessage();
        ((ObjectNode) pdu.get("content")).put("body", "edited");
        assertFalse(PduVerifier.hasValidContentHash(pdu));
        assertTrue(PduVerifier.hasValidSignature(pdu, V11, "a.org", KEY.verifyKey()));
    }

    @Test
    void editedEssentialFieldsBreakTheSignature() throws Exception {
        for (String field : new String[] {"sender", "room_id", "type"}) {
            ObjectNode pdu = signedMessage();
            pdu.put(field, "changed");
            assertFalse(PduVerifier.hasValidSignature(pdu, V11, "a.org", KEY.verifyKey()), field);
        }
        ObjectNode pdu = signedMessage();
        pdu.put("depth", 3);
        assertFalse(PduVerifier.hasValidSignature(pdu, V11, "a.org", KEY.verifyKey()));
    }

    @Test
    void unsignedAndOtherSignaturesDoNotMatter() throws Exception {
        ObjectNode pdu = signedMessage();
        pdu.putObject("unsigned").put("age", 1234);
        ((ObjectNode) pdu.get("signatures")).putObject("b.org").put("ed25519:x", "whatever");
        assertTrue(PduVerifier.hasValidContentHash(pdu));
        assertTrue(PduVerifier.hasValidSignature(pdu, V11, "a.org", KEY.verifyKey()));
    }

    @Test
    void wrongKeyOrServerFails() throws Exception {
        ObjectNode pdu = signedMessage();
        assertFalse(PduVerifier.hasValidSignature(pdu, V11, "b.org", KEY.verifyKey()));
        assertFalse(PduVerifier.hasValidSignature(pdu, V11, "a.org", SigningKey.generate().verifyKey()));
    }

    @Test
    void malformedHashesFail() throws Exception {
        ObjectNode pdu = signedMessage();
        pdu.remove("hashes");
        assertFalse(PduVerifier.hasValidContentHash(pdu));
        pdu.putObject("hashes").put("sha256", "not base64!");
        assertFalse(PduVerifier.hasValidContentHash(pdu));
        pdu.putObject("hashes").put("sha256", 5);
        assertFalse(PduVerifier.hasValidContentHash(pdu));
    }

    @Test
    void paddedHashAccepted() throws Exception {
        ObjectNode pdu = signedMessage();
        ((ObjectNode) pdu.get("hashes")).put("sha256", pdu.at("/hashes/sha256").asText() + "=");
        assertTrue(PduVerifier.hasValidContentHash(pdu));
    }
}
