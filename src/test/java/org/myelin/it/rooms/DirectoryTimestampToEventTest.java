package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.myelin.it.rooms.DirectoryFx.*;

/** GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event. */
class DirectoryTimestampToEventTest {

    private static String path(String roomId, Object ts, String dir) {
        return V1 + "/rooms/" + enc(roomId) + "/timestamp_to_event?ts=" + ts + "&dir=" + dir;
    }

    private static long ts(U u, String roomId, String eventId) {
        return ok(u.get(room(roomId) + "/event/" + enc(eventId))).path("origin_server_ts").asLong();
    }

    private static String sendSpaced(U u, String roomId, String body) throws InterruptedException {
        Thread.sleep(5);
        String id = send(u, roomId, body);
        Thread.sleep(5);
        return id;
    }

    @Test
    void findsTheClosestEventInEachDirection() throws Exception {
        U owner = user("ts-owner");
        String roomId = createRoom(owner, map("preset", "public_chat"));
        String e1 = sendSpaced(owner, roomId, "one");
        String e2 = sendSpaced(owner, roomId, "two");
        String e3 = sendSpaced(owner, roomId, "three");
        long t1 = ts(owner, roomId, e1);
        long t2 = ts(owner, roomId, e2);
        long t3 = ts(owner, roomId, e3);

        JsonNode r = ok(owner.get(path(roomId, t2, "f")));
        assertEquals(e2, r.path("event_id").asText());
        assertEquals(t2, r.path("origin_server_ts").asLong());
        assertEquals(e2, ok(owner.get(path(roomId, t2, "b"))).path("event_id").asText());
        assertEquals(e3, ok(owner.get(path(roomId, t2 + 1, "f"))).path("event_id").asText());
        assertEquals(e2, ok(owner.get(path(roomId, t3 - 1, "b"))).path("event_id").asText());
        assertEquals(e1, ok(owner.get(path(roomId, t1, "b"))).path("event_id").asText());
        assertEquals(e3, ok(owner.get(path(roomId, Long.MAX_VALUE, "b"))).path("event_id").asText());

        err(owner.get(path(roomId, t3 + 1, "f")), 404, "M_NOT_FOUND");
        err(owner.get(path(roomId, 0, "b")), 404, "M_NOT_FOUND");
    }

    @Test
    void badParameters() {
        U owner = user("tsbad-owner");
        String roomId = createRoom(owner, map());
        String base = V1 + "/rooms/" + enc(roomId) + "/timestamp_to_event";
        err(owner.get(base + "?dir=f"), 400, "M_MISSING_PARAM");
        err(owner.get(base + "?ts=1"), 400, "M_MISSING_PARAM");
        err(owner.get(base), 400, "M_MISSING_PARAM");
        err(owner.get(base + "?ts=abc&dir=f"), 400, "M_INVALID_PARAM");
        err(owner.get(base + "?ts=1.5&dir=f"), 400, "M_INVALID_PARAM");
        err(owner.get(base + "?ts=1&dir=x"), 400, "M_INVALID_PARAM");
        err(owner.get(V1 + "/rooms/nope/timestamp_to_event?ts=1&dir=f"), 400, "M_INVALID_PARAM");
        err(owner.get(path("!unknown:" + serverName(), 1, "f")), 404, "M_NOT_FOUND");
        err(noServerError("anon", anon().get(path(roomId, 1, "f"))), 401, "M_MISSING_TOKEN");
    }

    @Test
    void onlyVisibleEvents() throws Exception {
        U owner = user("tsvis-owner");
        U outsider = user("tsvis-outsider");
        U late = user("tsvis-late");
        String roomId = createRoom(owner, map("preset", "public_chat"));
        setState(owner, roomId, "m.room.history_visibility", "", map("history_visibility", "joined"));
        String early = sendSpaced(owner, roomId, "early");
        long tEarly = ts(owner, roomId, early);

        // Not in the room: nothing is visible.
        err(outsider.get(path(roomId, 0, "f")), 404, "M_NOT_FOUND");

        join(late, roomId);
        String later = sendSpaced(owner, roomId, "later");
        // The early message is skipped: the closest visible event forward is the user's own join.
        JsonNode r = ok(late.get(path(roomId, tEarly, "f")));
        String found = r.path("event_id").asText();
        assertEquals("m.room.member", ok(late.get(room(roomId) + "/event/" + enc(found))).path("type").asText());
        // Backwards, the early message is skipped too; the history_visibility change before it was
        // still under "shared" visibility, which lets later members see it.
        String back = ok(late.get(path(roomId, tEarly, "b"))).path("event_id").asText();
        assertEquals("m.room.history_visibility", ok(late.get(room(roomId) + "/event/" + enc(back))).path("type").asText());
        assertEquals(later, ok(late.get(path(roomId, ts(owner, roomId, later), "b"))).path("event_id").asText());

        // World-readable rooms are open to everyone.
        setState(owner, roomId, "m.room.history_visibility", "", map("history_visibility", "world_readable"));
        String open = sendSpaced(owner, roomId, "open");
        assertEquals(open, ok(outsider.get(path(roomId, ts(owner, roomId, open), "f"))).path("event_id").asText());
    }
}
