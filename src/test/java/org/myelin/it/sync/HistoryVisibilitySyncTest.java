package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.allBackwards;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.context;
import static org.myelin.it.sync.SyncFx.err;
import static org.myelin.it.sync.SyncFx.event;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.invite;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.leave;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.messagesResp;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.roomWith;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.user;

/**
 * History visibility with late joiners and leavers, on every read path: /sync, /messages,
 * /context and /event.
 */
class HistoryVisibilitySyncTest {
    private static final String BIG = filterJson(map("room", map("timeline", map("limit", 100), "include_leave", true)));

    /** Which of the three messages (sent before the invite, while invited, after joining) the joiner may see. */
    private static List<String> expectedFor(String visibility) {
        return switch (visibility) {
            case "world_readable", "shared" -> List.of("before invite", "while invited", "after join");
            case "invited" -> List.of("while invited", "after join");
            case "joined" -> List.of("after join");
            default -> throw new IllegalArgumentException(visibility);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"world_readable", "shared", "invited", "joined"})
    void lateJoinerSeesWhatTheVisibilityAllows(String visibility) {
        U a = user("hv-a");
        U b = user("hv-b");
        String roomId = roomWith(a, visibility);
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        ids.put("before invite", send(a, roomId, "before invite"));
        invite(a, roomId, b);
        ids.put("while invited", send(a, roomId, "while invited"));
        join(b, roomId);
        ids.put("after join", send(a, roomId, "after join"));
        List<String> expected = expectedFor(visibility);

        // /sync
        JsonNode tl = joined(sync(b, null, BIG), roomId).path("timeline").path("events");
        assertEquals(expected, bodies(tl), () -> visibility + " /sync: " + tl);
        assertEquals("join", find(tl, "m.room.member", b.id()).path("content").path("membership").asText(),
                "the joiner always sees their own join: " + tl);
        // /messages
        List<JsonNode> all = allBackwards(b, roomId);
        assertEquals(expected, bodies(toArray(all)), () -> visibility + " /messages: " + all);
        // /event
        for (Map.Entry<String, String> en : ids.entrySet()) {
            if (expected.contains(en.getKey())) ok(event(b, roomId, en.getValue()));
            else err(event(b, roomId, en.getValue()), 404, "M_NOT_FOUND");
        }
        // /context: around a visible event, only visible events; around an invisible one, 404.
        JsonNode ctx = ok(context(b, roomId, ids.get("after join"), 20, null));
        List<String> before = bodies(ctx.path("events_before"));
        java.util.Collections.reverse(before);
        assertEquals(expected.subList(0, expected.size() - 1), before, () -> visibility + " /context: " + ctx);
        for (Map.Entry<String, String> en : ids.entrySet()) {
            if (!expected.contains(en.getKey())) err(context(b, roomId, en.getValue(), 5, null), 404, "M_NOT_FOUND");
        }
    }

    private static JsonNode toArray(List<JsonNode> list) {
        var a = org.myelin.http.Json.MAPPER.createArrayNode();
        list.forEach(a::add);
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "invited", "joined"})
    void leaverSeesNothingAfterLeaving(String visibility) {
        U a = user("hv-l");
        U b = user("hv-l2");
        String roomId = roomWith(a, visibility);
        join(b, roomId);
        String seen = send(a, roomId, "while b is here");
        String sinceB = sync(b, null, null).path("next_batch").asText();
        leave(b, roomId);
        String unseen = send(a, roomId, "after b left");
        setState(a, roomId, "m.room.topic", "", map("topic", "new topic"));

        // /sync: the leave section ends at the leave; nothing later, not even on a later sync.
        JsonNode s = sync(b, sinceB, null);
        JsonNode lv = s.path("rooms").path("leave").path(roomId).path("timeline").path("events");
        assertFalse(bodies(lv).contains("after b left"), s::toString);
        assertEquals("leave", find(lv, "m.room.member", b.id()).path("content").path("membership").asText(), s::toString);
        JsonNode initial = sync(b, null, BIG).path("rooms").path("leave").path(roomId);
        assertTrue(bodies(initial.path("timeline").path("events")).contains("while b is here"), initial::toString);
        assertFalse(bodies(initial.path("timeline").path("events")).contains("after b left"), initial::toString);
        assertTrue(find(initial.path("state").path("events"), "m.room.topic", "").isMissingNode(), initial::toString);
        // /messages from the present: stops at the leave.
        List<String> msgs = bodies(toArray(allBackwards(b, roomId)));
        assertTrue(msgs.contains("while b is here"), msgs::toString);
        assertFalse(msgs.contains("after b left"), msgs::toString);
        // Forward from before the leave: also stops there.
        JsonNode fwd = ok(messagesResp(b, roomId, "f", null, null, 100, null));
        assertFalse(bodies(fwd.path("chunk")).contains("after b left"), fwd::toString);
        // /event and /context.
        ok(event(b, roomId, seen));
        err(event(b, roomId, unseen), 404, "M_NOT_FOUND");
        err(context(b, roomId, unseen, 5, null), 404, "M_NOT_FOUND");
        JsonNode ctx = ok(context(b, roomId, seen, 10, null));
        assertFalse(bodies(ctx.path("events_after")).contains("after b left"), ctx::toString);
        assertTrue(find(ctx.path("state"), "m.room.topic", "").isMissingNode(), "state at b's last visible event: " + ctx);
    }

    @Test
    void worldReadableLeaverStillReadsLaterEvents() {
        U a = user("hv-wl");
        U b = user("hv-wl2");
        String roomId = roomWith(a, "world_readable");
        join(b, roomId);
        leave(b, roomId);
        String later = send(a, roomId, "public later");
        ok(event(b, roomId, later));
        assertTrue(bodies(toArray(allBackwards(b, roomId))).contains("public later"));
    }

    @Test
    void visibilityChangeAppliesFromThatEventOn() {
        U a = user("hv-ch");
        U b = user("hv-ch2");
        String roomId = roomWith(a, "shared");
        send(a, roomId, "shared era");
        setState(a, roomId, "m.room.history_visibility", "", map("history_visibility", "joined"));
        send(a, roomId, "joined era");
        join(b, roomId);
        send(a, roomId, "member era");
        List<String> seen = bodies(joined(sync(b, null, BIG), roomId).path("timeline").path("events"));
        assertEquals(List.of("shared era", "member era"), seen);
        // The history_visibility change itself is visible (before or after allows it).
        JsonNode tl = joined(sync(b, null, BIG), roomId).path("timeline").path("events");
        assertTrue(find(tl, "m.room.history_visibility", "").isObject(), tl::toString);
    }

    @Test
    void neverJoinedUserSeesNothing() {
        U a = user("hv-n");
        U c = user("hv-n2");
        String roomId = roomWith(a, "shared");
        String ev = send(a, roomId, "private");
        err(messagesResp(c, roomId, "b", null, null, null, null), 403, "M_FORBIDDEN");
        err(event(c, roomId, ev), 404, "M_NOT_FOUND");
        int status = context(c, roomId, ev, 5, null).status();
        assertTrue(status == 404 || status == 403, "context for a stranger: " + status);
        assertFalse(sync(c, null, BIG).path("rooms").path("join").has(roomId));
    }
}
