package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.myelin.it.sync.SyncFx.*;

/** GET /rooms/{roomId}/members?at= : the member list as of a pagination or sync token. */
class MembersAtTest {

    private static List<String> joined(JsonNode chunk) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : chunk) if ("join".equals(e.path("content").path("membership").asText())) out.add(e.path("state_key").asText());
        out.sort(String::compareTo);
        return out;
    }

    @Test
    void membersAtATokenAreThoseOfThatMoment() {
        U a = user("ma-a");
        U b = user("ma-b");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String before = sync(a, null, null).path("next_batch").asText();
        join(b, roomId);
        send(b, roomId, "hello");

        JsonNode now = ok(a.get(room(roomId) + "/members"));
        assertEquals(sorted(a.id(), b.id()), joined(now.path("chunk")));
        JsonNode then = ok(a.get(room(roomId) + "/members?at=" + enc(before)));
        assertEquals(List.of(a.id()), joined(then.path("chunk")));

        // A /messages token works too: paginating back from the end of the room, before b's join.
        JsonNode page = messages(a, roomId, "b", null, 2);
        JsonNode atEnd = ok(a.get(room(roomId) + "/members?at=" + enc(page.path("end").asText())));
        assertEquals(List.of(a.id()), joined(atEnd.path("chunk")));
    }

    @Test
    void aLeaverSeesNoMembershipAfterLeaving() {
        U a = user("ma-c");
        U b = user("ma-d");
        U c = user("ma-e");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        leave(b, roomId);
        join(c, roomId);
        String latest = sync(a, null, null).path("next_batch").asText();
        JsonNode seen = ok(b.get(room(roomId) + "/members?at=" + enc(latest)));
        assertEquals(List.of(a.id()), joined(seen.path("chunk")));
    }

    @Test
    void badTokenIsRejected() {
        U a = user("ma-f");
        String roomId = createRoom(a, map("preset", "public_chat"));
        err(a.get(room(roomId) + "/members?at=bogus"), 400, "M_INVALID_PARAM");
    }

    private static List<String> sorted(String... ids) {
        List<String> l = new ArrayList<>(List.of(ids));
        l.sort(String::compareTo);
        return l;
    }
}
