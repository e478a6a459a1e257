package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.myelin.it.userdata.UserDataFx.U;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.err;
import static org.myelin.it.userdata.UserDataFx.join;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.publicRoom;
import static org.myelin.it.userdata.UserDataFx.receiptOf;
import static org.myelin.it.userdata.UserDataFx.room;
import static org.myelin.it.userdata.UserDataFx.roomAccountData;
import static org.myelin.it.userdata.UserDataFx.roomData;
import static org.myelin.it.userdata.UserDataFx.send;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.user;

/** POST /rooms/{roomId}/read_markers. */
class ReadMarkersTest {

    private static String markers(String roomId) { return room(roomId) + "/read_markers"; }

    @Test
    void setsTheMarkerAndTheReceiptsInOneCall() {
        U a = user("rm-a");
        U b = user("rm-b");
        String room = publicRoom(a);
        join(b, room);
        String e1 = send(a, room, "one");
        String e2 = send(a, room, "two");
        JsonNode aInit = sync(a, null);
        JsonNode bInit = sync(b, null);

        ok(b.post(markers(room), map("m.fully_read", e1, "m.read", e2, "m.read.private", e2)));
        assertEquals(e1, ok(b.get(roomAccountData(b, room, "m.fully_read"))).path("event_id").asText());

        JsonNode bNext = sync(b, nextBatch(bInit));
        assertEquals(e1, roomData(bNext, room).get("m.fully_read").path("event_id").asText(), bNext::toString);
        assertEquals(e2, receiptOf(bNext, room, "m.read", b.id()).eventId());
        assertEquals(e2, receiptOf(bNext, room, "m.read.private", b.id()).eventId());

        JsonNode aNext = sync(a, nextBatch(aInit));
        assertEquals(e2, receiptOf(aNext, room, "m.read", b.id()).eventId(), aNext::toString);
        assertNull(receiptOf(aNext, room, "m.read.private", b.id()), aNext::toString);
        assertFalse(roomData(aNext, room).containsKey("m.fully_read"), "the marker is b's own account data: " + aNext);
    }

    @Test
    void theMarkerOnlyMovesForward() {
        U a = user("rm-fwd");
        String room = createRoom(a, map());
        String e1 = send(a, room, "one");
        String e2 = send(a, room, "two");
        ok(a.post(markers(room), map("m.fully_read", e2)));
        JsonNode init = sync(a, null);
        ok(a.post(markers(room), map("m.fully_read", e1)));
        assertEquals(e2, ok(a.get(roomAccountData(a, room, "m.fully_read"))).path("event_id").asText());
        JsonNode s = sync(a, nextBatch(init));
        assertFalse(roomData(s, room).containsKey("m.fully_read"), s::toString);
        // An empty body changes nothing.
        ok(a.post(markers(room), map()));
    }

    @Test
    void errorsStoreNothing() {
        U a = user("rm-err-a");
        U b = user("rm-err-b");
        String room = createRoom(a, map());
        String ev = send(a, room, "x");
        err(b.post(markers(room), map("m.fully_read", ev)), 403, "M_FORBIDDEN");
        err(a.post(markers("!unknown:test.myelin"), map("m.fully_read", ev)), 403, "M_FORBIDDEN");
        // One bad event in the request: nothing is stored.
        err(a.post(markers(room), map("m.fully_read", ev, "m.read", "$missing")), 404, "M_NOT_FOUND");
        err(a.get(roomAccountData(a, room, "m.fully_read")), 404, "M_NOT_FOUND");
        err(a.post(markers(room), map("m.fully_read", 5)), 400, "M_BAD_JSON");
        err(a.send("POST", markers(room), "{oops"), 400, "M_NOT_JSON");
        err(a.post(markers(room), map("m.read", "no-dollar")), 400, "M_INVALID_PARAM");
        // Clients cannot set the marker as account data.
        err(a.put(roomAccountData(a, room, "m.fully_read"), map("event_id", ev)), 405, "M_BAD_JSON");
    }
}
