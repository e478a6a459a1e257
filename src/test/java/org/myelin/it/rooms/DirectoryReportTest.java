package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.DirectoryFx.*;

/** POST /rooms/{roomId}/report/{eventId}, POST /rooms/{roomId}/report and the admin event_reports listing. */
class DirectoryReportTest {
    private static final String REPORTS = "/_synapse/admin/v1/event_reports";

    private static String report(String roomId, String eventId) { return room(roomId) + "/report/" + enc(eventId); }

    @Test
    void reportAnEventAndReadItAsAdmin() {
        U owner = user("rep-owner");
        U reporter = user("rep-reporter");
        U admin = admin("rep-admin");
        String roomId = createRoom(owner, map("preset", "public_chat", "name", "Reported room"));
        join(reporter, roomId);
        String bad = send(owner, roomId, "something offensive");

        ok(reporter.post(report(roomId, bad), map("reason", "offensive", "score", -100)));
        ok(reporter.post(report(roomId, bad), map()));

        JsonNode list = ok(admin.get(REPORTS + "?room_id=" + enc(roomId)));
        assertEquals(2, list.path("total").asInt());
        JsonNode newest = list.path("event_reports").get(0);
        JsonNode first = list.path("event_reports").get(1);
        assertEquals(bad, first.path("event_id").asText());
        assertEquals(roomId, first.path("room_id").asText());
        assertEquals(reporter.id(), first.path("user_id").asText());
        assertEquals(owner.id(), first.path("sender").asText());
        assertEquals("offensive", first.path("reason").asText());
        assertEquals(-100, first.path("score").asInt());
        assertEquals("Reported room", first.path("name").asText());
        assertTrue(first.path("received_ts").asLong() > 0);
        assertTrue(newest.path("reason").isNull() || newest.path("reason").isMissingNode(), newest::toString);
        assertTrue(newest.path("id").asLong() > first.path("id").asLong());

        // Paging and filters.
        JsonNode page = ok(admin.get(REPORTS + "?room_id=" + enc(roomId) + "&limit=1&dir=f"));
        assertEquals(1, page.path("event_reports").size());
        assertEquals(first.path("id").asLong(), page.path("event_reports").get(0).path("id").asLong());
        assertEquals(1, page.path("next_token").asInt());
        JsonNode page2 = ok(admin.get(REPORTS + "?room_id=" + enc(roomId) + "&limit=1&dir=f&from=1"));
        assertEquals(newest.path("id").asLong(), page2.path("event_reports").get(0).path("id").asLong());
        assertFalse(page2.has("next_token"));
        assertEquals(2, ok(admin.get(REPORTS + "?user_id=" + enc(reporter.id()))).path("total").asInt());

        err(reporter.get(REPORTS), 403, "M_FORBIDDEN");
        err(noServerError("anon", anon().get(REPORTS)), 401, "M_MISSING_TOKEN");
        err(admin.get(REPORTS + "?limit=-1"), 400, "M_INVALID_PARAM");
        err(admin.get(REPORTS + "?from=x"), 400, "M_INVALID_PARAM");
        err(admin.get(REPORTS + "?dir=sideways"), 400, "M_INVALID_PARAM");
    }

    @Test
    void eventReportErrors() {
        U owner = user("reperr-owner");
        U member = user("reperr-member");
        U outsider = user("reperr-outsider");
        String roomId = createRoom(owner, map("preset", "public_chat"));
        join(member, roomId);
        String ev = send(owner, roomId, "hello");
        String otherRoom = createRoom(owner, map("preset", "public_chat"));
        String otherEv = send(owner, otherRoom, "elsewhere");

        err(member.post(report(roomId, ev), map("score", "bad")), 400, "M_BAD_JSON");
        err(member.post(report(roomId, ev), map("score", 1.5)), 400, "M_BAD_JSON");
        err(member.post(report(roomId, ev), map("score", 5)), 400, "M_INVALID_PARAM");
        err(member.post(report(roomId, ev), map("score", -101)), 400, "M_INVALID_PARAM");
        err(member.post(report(roomId, ev), map("reason", 3)), 400, "M_BAD_JSON");
        err(member.post(report(roomId, ev), map("reason", "x".repeat(1001))), 400, "M_INVALID_PARAM");
        err(member.post(report(roomId, ev), "[]"), 400, "M_BAD_JSON");
        err(member.post(report(roomId, ev), "{"), 400, "M_NOT_JSON");
        ok(member.post(report(roomId, ev), map("reason", "x".repeat(1000))));

        err(member.post(report(roomId, "$unknown"), map("reason", "r")), 404, "M_NOT_FOUND");
        err(member.post(report(roomId, otherEv), map("reason", "r")), 404, "M_NOT_FOUND");
        err(outsider.post(report(roomId, ev), map("reason", "r")), 404, "M_NOT_FOUND");
        err(member.post(report("!unknown:" + serverName(), ev), map("reason", "r")), 404, "M_NOT_FOUND");
        err(member.post(report("nope", ev), map("reason", "r")), 400, "M_INVALID_PARAM");
        err(noServerError("anon", anon().post(report(roomId, ev), map("reason", "r"))), 401, "M_MISSING_TOKEN");
    }

    @Test
    void eventsTheReporterCannotSeeAreNotFound() {
        U owner = user("repvis-owner");
        U late = user("repvis-late");
        String roomId = createRoom(owner, map("preset", "public_chat"));
        setState(owner, roomId, "m.room.history_visibility", "", map("history_visibility", "joined"));
        String before = send(owner, roomId, "before you came");
        join(late, roomId);
        String after = send(owner, roomId, "after you came");
        err(late.post(report(roomId, before), map("reason", "r")), 404, "M_NOT_FOUND");
        ok(late.post(report(roomId, after), map("reason", "r")));
        // After leaving, not joined any more.
        ok(late.post(room(roomId) + "/leave", map()));
        err(late.post(report(roomId, after), map("reason", "r")), 404, "M_NOT_FOUND");
    }

    @Test
    void reportARoom() {
        U owner = user("reproom-owner");
        U outsider = user("reproom-outsider");
        U admin = admin("reproom-admin");
        String roomId = createRoom(owner, map("preset", "private_chat"));
        // No membership needed.
        ok(outsider.post(room(roomId) + "/report", map("reason", "spam room")));
        ok(outsider.post(room(roomId) + "/report", map("reason", "")));
        err(outsider.post(room(roomId) + "/report", map()), 400, "M_MISSING_PARAM");
        err(outsider.post(room(roomId) + "/report", map("reason", 1)), 400, "M_BAD_JSON");
        err(outsider.post(room(roomId) + "/report", map("reason", "y".repeat(1001))), 400, "M_INVALID_PARAM");
        err(outsider.post(room("!unknown:" + serverName()) + "/report", map("reason", "r")), 404, "M_NOT_FOUND");
        JsonNode list = ok(admin.get(REPORTS + "?room_id=" + enc(roomId) + "&dir=f"));
        assertEquals(2, list.path("total").asInt());
        JsonNode r = list.path("event_reports").get(0);
        assertEquals("spam room", r.path("reason").asText());
        assertFalse(r.has("event_id"), r::toString);
    }
}
