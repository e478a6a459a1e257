package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.enc;
import static org.myelin.it.rooms.RoomFx.getEvent;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.joinedRooms;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.send;
import static org.myelin.it.rooms.RoomFx.txn;
import static org.myelin.it.rooms.RoomFx.user;

/** The same conversation in every room version: create, join, both send, redact, read the redacted event. */
class RoomVersionMatrixTest {

    static Stream<String> versions() { return IntStream.rangeClosed(1, 12).mapToObj(Integer::toString); }

    @ParameterizedTest(name = "room version {0}")
    @MethodSource("versions")
    void createJoinSendRedact(String version) {
        U alice = user("matrix-a" + version);
        U bob = user("matrix-b" + version);
        String roomId = RoomFx.createRoom(alice, map("room_version", version, "preset", "public_chat", "name", "v" + version));
        join(bob, roomId);
        assertTrue(joinedRooms(bob).contains(roomId));

        String fromAlice = send(alice, roomId, "hello from alice");
        String fromBob = send(bob, roomId, "hello from bob");
        String bobsSecond = send(bob, roomId, "bob again");

        // Alice (room admin) redacts Bob's first message; Bob redacts his own second one.
        String redaction = ok(alice.put(room(roomId) + "/redact/" + enc(fromBob) + "/" + txn(), map("reason", "moderated")))
                .path("event_id").asText();
        ok(bob.put(room(roomId) + "/redact/" + enc(bobsSecond) + "/" + txn(), map()));

        for (U viewer : List.of(alice, bob)) {
            JsonNode ev = getEvent(viewer, roomId, fromBob);
            assertEquals("m.room.message", ev.path("type").asText(), ev::toString);
            assertEquals(bob.id(), ev.path("sender").asText(), ev::toString);
            assertTrue(ev.path("content").isObject() && ev.path("content").isEmpty(), ev::toString);
            JsonNode because = ev.path("unsigned").path("redacted_because");
            assertEquals(redaction, because.path("event_id").asText(), ev::toString);
            assertEquals(alice.id(), because.path("sender").asText(), ev::toString);
            assertEquals(fromBob, because.path("redacts").asText(), ev::toString);
            assertEquals("moderated", because.path("content").path("reason").asText(), ev::toString);
            assertTrue(getEvent(viewer, roomId, bobsSecond).path("content").isEmpty());
        }
        // Unredacted events are untouched.
        assertEquals("hello from alice", getEvent(bob, roomId, fromAlice).path("content").path("body").asText());

        // The redaction event in the stored form the room version prescribes: top-level "redacts"
        // before v11, content.redacts from v11.
        JsonNode pdu = RoomFx.timeline(roomId).stream().filter(s -> s.eventId().equals(redaction)).findFirst()
                .orElseThrow().pdu();
        if (Integer.parseInt(version) >= 11) {
            assertEquals(fromBob, pdu.path("content").path("redacts").asText(), pdu::toString);
        } else {
            assertEquals(fromBob, pdu.path("redacts").asText(), pdu::toString);
            assertFalse(pdu.path("content").has("redacts"), pdu::toString);
        }
        // Other state is untouched.
        assertEquals("v" + version, RoomFx.getState(bob, roomId, "m.room.name", "").path("name").asText());
    }
}
