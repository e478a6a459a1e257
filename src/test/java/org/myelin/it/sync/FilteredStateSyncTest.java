package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.leave;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.memberKeys;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.types;
import static org.myelin.it.sync.SyncFx.user;

/**
 * State changes a timeline filter keeps out of the timeline still reach the client, in the state
 * section, on incremental syncs (limited or not) and for left rooms; the state filter still
 * applies to them.
 */
class FilteredStateSyncTest {
    private static final String NO_TOPIC = timelineFilter("not_types", List.of("m.room.topic"));

    private static String next(JsonNode s) { return s.path("next_batch").asText(); }

    private static String timelineFilter(Object... kv) { return filterJson(map("room", map("timeline", map(kv)))); }

    private static JsonNode state(JsonNode room) { return room.path("state").path("events"); }

    private static List<String> topics(JsonNode events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) if ("m.room.topic".equals(e.path("type").asText())) out.add(e.path("content").path("topic").asText());
        return out;
    }

    /** The joined room's sections as sync.yaml has them. */
    private static void assertJoinedRoomShape(JsonNode r) {
        assertTrue(r.path("timeline").path("events").isArray(), r::toString);
        assertTrue(r.path("timeline").path("limited").isBoolean(), r::toString);
        assertTrue(r.path("timeline").path("prev_batch").isTextual(), r::toString);
        assertTrue(state(r).isArray(), r::toString);
        for (JsonNode e : state(r)) {
            for (String f : List.of("type", "state_key", "sender", "event_id", "origin_server_ts", "content")) {
                assertTrue(e.has(f), () -> "state event without " + f + ": " + e);
            }
            assertFalse(e.has("room_id"), () -> "sync events are ClientEventWithoutRoomID: " + e);
        }
    }

    @Test
    void filteredTopicChangeIsInTheStateOfTheNextSync() {
        U a = user("fs-t");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        String since = next(sync(a, null, NO_TOPIC));
        setState(a, roomId, "m.room.topic", "", map("topic", "new"));
        send(a, roomId, "after the topic");
        JsonNode r = joined(sync(a, since, NO_TOPIC), roomId);
        assertJoinedRoomShape(r);
        assertEquals(List.of("m.room.message"), types(r.path("timeline").path("events")), r::toString);
        assertFalse(r.path("timeline").path("limited").asBoolean(), r::toString);
        assertEquals(List.of("new"), topics(state(r)), r::toString);
        assertEquals(1, state(r).size(), "only the change, not the whole state: " + r);
    }

    @Test
    void roomWithOnlyAFilteredStateChangeIsListed() {
        U a = user("fs-o");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        String since = next(sync(a, null, NO_TOPIC));
        setState(a, roomId, "m.room.topic", "", map("topic", "only change"));
        JsonNode s = sync(a, since, NO_TOPIC);
        assertTrue(s.path("rooms").path("join").has(roomId), s::toString);
        JsonNode r = joined(s, roomId);
        assertJoinedRoomShape(r);
        assertEquals(0, r.path("timeline").path("events").size(), r::toString);
        assertEquals(List.of("only change"), topics(state(r)), r::toString);
        // Nothing new: the room is not listed again.
        JsonNode again = sync(a, next(s), NO_TOPIC);
        assertFalse(again.path("rooms").path("join").has(roomId), again::toString);
    }

    @Test
    void onlyTheLatestOfSeveralFilteredChangesIsSent() {
        U a = user("fs-l");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        String since = next(sync(a, null, NO_TOPIC));
        setState(a, roomId, "m.room.topic", "", map("topic", "first"));
        send(a, roomId, "between");
        setState(a, roomId, "m.room.topic", "", map("topic", "second"));
        JsonNode r = joined(sync(a, since, NO_TOPIC), roomId);
        assertEquals(List.of("second"), topics(state(r)), r::toString);
    }

    @Test
    void aFilteredChangeOverriddenByATimelineEventIsNotSent() {
        U a = user("fs-s");
        U b = user("fs-s2");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old",
                "power_level_content_override", map("state_default", 0, "events", map())));
        join(b, roomId);
        String notB = timelineFilter("not_senders", List.of(b.id()));
        String since = next(sync(a, null, notB));
        setState(b, roomId, "m.room.topic", "", map("topic", "by b"));
        setState(b, roomId, "m.room.name", "", map("name", "named by b"));
        setState(a, roomId, "m.room.topic", "", map("topic", "by a"));
        JsonNode r = joined(sync(a, since, notB), roomId);
        assertEquals(List.of("by a"), topics(r.path("timeline").path("events")), r::toString);
        assertEquals(List.of(), topics(state(r)), "the timeline carries the topic: " + r);
        assertEquals("named by b", find(state(r), "m.room.name", "").path("content").path("name").asText(), r::toString);
    }

    @Test
    void typesFilterLeavingOutStateSendsTheStateChanges() {
        U a = user("fs-ty");
        U b = user("fs-ty2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String messagesOnly = timelineFilter("types", List.of("m.room.message"));
        String since = next(sync(a, null, messagesOnly));
        join(b, roomId);
        setState(a, roomId, "m.room.name", "", map("name", "Named"));
        send(b, roomId, "hi");
        JsonNode r = joined(sync(a, since, messagesOnly), roomId);
        assertEquals(List.of("hi"), bodies(r.path("timeline").path("events")), r::toString);
        assertEquals(Set.of("m.room.member", "m.room.name"), new HashSet<>(types(state(r))), r::toString);
        assertEquals("join", find(state(r), "m.room.member", b.id()).path("content").path("membership").asText(), r::toString);
        assertEquals(2, r.path("summary").path("m.joined_member_count").asInt(), "the summary follows the member change: " + r);
    }

    @Test
    void stateFilterStillApplies() {
        U a = user("fs-sf");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        String filter = filterJson(map("room", map("timeline", map("not_types", List.of("m.room.topic")),
                "state", map("not_types", List.of("m.room.topic")))));
        String since = next(sync(a, null, filter));
        setState(a, roomId, "m.room.topic", "", map("topic", "excluded twice"));
        JsonNode quiet = sync(a, since, filter);
        assertFalse(quiet.path("rooms").path("join").has(roomId), "nothing the filters let through changed: " + quiet);
        send(a, roomId, "a message");
        JsonNode r = joined(sync(a, since, filter), roomId);
        assertEquals(List.of("m.room.message"), types(r.path("timeline").path("events")), r::toString);
        assertEquals(List.of(), topics(state(r)), r::toString);
    }

    @Test
    void limitedSyncIncludesAFilteredChangeInsideTheTimelineSpan() {
        U a = user("fs-lim");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        String filter = filterJson(map("room", map("timeline", map("not_types", List.of("m.room.topic"), "limit", 3))));
        String since = next(sync(a, null, filter));
        for (int i = 0; i < 5; i++) send(a, roomId, "filler " + i);
        setState(a, roomId, "m.room.topic", "", map("topic", "inside"));
        send(a, roomId, "last");
        JsonNode r = joined(sync(a, since, filter), roomId);
        assertTrue(r.path("timeline").path("limited").asBoolean(), r::toString);
        assertEquals(List.of("filler 3", "filler 4", "last"), bodies(r.path("timeline").path("events")), r::toString);
        assertEquals(List.of("inside"), topics(state(r)), r::toString);
    }

    @Test
    void lazyLoadingStillSendsOnlyTheNeededMembers() {
        U a = user("fs-ll");
        U b = user("fs-ll2");
        U c = user("fs-ll3");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "lazy", "topic", "old"));
        join(b, roomId);
        join(c, roomId);
        for (int i = 0; i < 3; i++) send(a, roomId, "filler " + i);
        String filter = filterJson(map("room", map("timeline", map("not_types", List.of("m.room.topic"), "limit", 2),
                "state", map("lazy_load_members", true))));
        JsonNode s0 = sync(a, null, filter);
        assertEquals(List.of(a.id()), memberKeys(state(joined(s0, roomId))), s0::toString);
        String since = next(s0);
        setState(a, roomId, "m.room.topic", "", map("topic", "lazy topic"));
        send(b, roomId, "from b");
        JsonNode s1 = sync(a, since, filter);
        JsonNode r = joined(s1, roomId);
        assertEquals(List.of("lazy topic"), topics(state(r)), r::toString);
        assertEquals(List.of(b.id()), memberKeys(state(r)), "b's member event for the timeline, no one else's: " + r);
        // b's member event is not repeated; the next filtered change comes alone.
        String since2 = next(s1);
        setState(a, roomId, "m.room.topic", "", map("topic", "again"));
        send(b, roomId, "b again");
        JsonNode r2 = joined(sync(a, since2, filter), roomId);
        assertEquals(List.of("m.room.topic"), types(state(r2)), r2::toString);
    }

    @Test
    void leftRoomCarriesFilteredChangesBeforeTheLeave() {
        U a = user("fs-lv");
        U b = user("fs-lv2");
        String roomId = createRoom(a, map("preset", "public_chat", "topic", "old"));
        join(b, roomId);
        String since = next(sync(b, null, NO_TOPIC));
        setState(a, roomId, "m.room.topic", "", map("topic", "before b left"));
        leave(b, roomId);
        JsonNode s = sync(b, since, NO_TOPIC);
        JsonNode r = s.path("rooms").path("leave").path(roomId);
        assertTrue(r.isObject(), s::toString);
        assertEquals(List.of("m.room.member"), types(r.path("timeline").path("events")), r::toString);
        assertEquals(List.of("before b left"), topics(state(r)), r::toString);
    }
}
