package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.V3;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.enc;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.initialSync;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.leave;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.memberKeys;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.sendEvent;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.timeline;
import static org.myelin.it.sync.SyncFx.types;
import static org.myelin.it.sync.SyncFx.user;

/** Sync filters: timeline types and senders, rooms, event_fields, event_format, lazy loading. */
class SyncFilterTest {

    private static String next(JsonNode s) { return s.path("next_batch").asText(); }

    private static String timelineFilter(Object... kv) { return filterJson(map("room", map("timeline", map(kv)))); }

    @Test
    void timelineTypesAndNotTypesWithWildcards() {
        U a = user("sf-t");
        String roomId = createRoom(a, map("preset", "public_chat"));
        send(a, roomId, "hello");
        sendEvent(a, roomId, "org.example.one", map());
        sendEvent(a, roomId, "org.example.two", map());
        sendEvent(a, roomId, "com.other.x", map());

        assertEquals(List.of("m.room.message"), types(timeline(sync(a, null, timelineFilter("types", List.of("m.room.message"))), roomId)));
        assertEquals(List.of("org.example.one", "org.example.two"),
                types(timeline(sync(a, null, timelineFilter("types", List.of("org.example.*"))), roomId)));
        List<String> notRoom = types(timeline(sync(a, null, timelineFilter("not_types", List.of("m.room.*"), "limit", 50)), roomId));
        assertEquals(List.of("org.example.one", "org.example.two", "com.other.x"), notRoom);
        // not_types wins over types.
        assertEquals(List.of("org.example.two"), types(timeline(sync(a, null,
                timelineFilter("types", List.of("org.example.*"), "not_types", List.of("org.example.one"))), roomId)));
        // senders / not_senders.
        U b = user("sf-t2");
        join(b, roomId);
        send(b, roomId, "from b");
        assertEquals(List.of("from b"), bodies(timeline(sync(a, null,
                timelineFilter("senders", List.of(b.id()), "types", List.of("m.room.message"))), roomId)));
        assertEquals(List.of("hello"), bodies(timeline(sync(a, null,
                timelineFilter("not_senders", List.of(b.id()), "types", List.of("m.room.message"))), roomId)));
        // An incremental sync with only filtered-out events does not list the room.
        String since = next(sync(a, null, timelineFilter("types", List.of("m.room.message"))));
        sendEvent(a, roomId, "org.example.one", map());
        JsonNode s = sync(a, since, timelineFilter("types", List.of("m.room.message")));
        assertFalse(s.path("rooms").path("join").has(roomId), s::toString);
    }

    @Test
    void stateFilterTypes() {
        U a = user("sf-st");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "N", "topic", "T"));
        for (int i = 0; i < 12; i++) send(a, roomId, "m" + i);
        JsonNode r = joined(sync(a, null, filterJson(map("room", map("state", map("types", List.of("m.room.name")))))), roomId);
        assertEquals(List.of("m.room.name"), types(r.path("state").path("events")), r::toString);
        JsonNode r2 = joined(sync(a, null, filterJson(map("room", map("state", map("not_types", List.of("m.room.*")))))), roomId);
        assertEquals(0, r2.path("state").path("events").size(), r2::toString);
    }

    @Test
    void roomsAndNotRooms() {
        U a = user("sf-r");
        String r1 = createRoom(a, map());
        String r2 = createRoom(a, map());
        String r3 = createRoom(a, map());
        JsonNode only = sync(a, null, filterJson(map("room", map("rooms", List.of(r1, r3)))));
        assertEquals(Set.of(r1, r3), keys(only.path("rooms").path("join")));
        JsonNode not = sync(a, null, filterJson(map("room", map("not_rooms", List.of(r1)))));
        assertTrue(keys(not.path("rooms").path("join")).containsAll(Set.of(r2, r3)));
        assertFalse(keys(not.path("rooms").path("join")).contains(r1));
        // The room filter also keeps left rooms out.
        leave(a, r3);
        JsonNode lv = sync(a, null, filterJson(map("room", map("include_leave", true, "not_rooms", List.of(r3)))));
        assertFalse(lv.path("rooms").path("leave").has(r3), lv::toString);
        JsonNode lv2 = sync(a, null, filterJson(map("room", map("include_leave", true))));
        assertTrue(lv2.path("rooms").path("leave").has(r3), lv2::toString);
        // The timeline filter's own rooms list applies to the timeline.
        send(a, r1, "in r1");
        send(a, r2, "in r2");
        JsonNode tl = sync(a, null, filterJson(map("room", map("timeline", map("not_rooms", List.of(r2))))));
        assertEquals(0, timeline(tl, r2).size(), tl::toString);
        assertTrue(bodies(timeline(tl, r1)).contains("in r1"), tl::toString);
    }

    private static Set<String> keys(JsonNode o) {
        Set<String> out = new HashSet<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void eventFieldsProjectEvents() {
        U a = user("sf-ef");
        String roomId = createRoom(a, map("preset", "public_chat"));
        send(a, roomId, "projected");
        JsonNode tl = timeline(sync(a, null, filterJson(map("event_fields", List.of("type", "content.body", "sender")))), roomId);
        JsonNode msg = find(tl, "m.room.message", null);
        Set<String> fields = new HashSet<>();
        msg.fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("type", "content", "sender"), fields, msg::toString);
        assertEquals("projected", msg.path("content").path("body").asText());
        assertFalse(msg.path("content").has("msgtype"), msg::toString);
    }

    @Test
    void federationEventFormat() {
        U a = user("sf-fed");
        String roomId = createRoom(a, map("preset", "public_chat"));
        send(a, roomId, "fed");
        JsonNode tl = timeline(sync(a, null, filterJson(map("event_format", "federation"))), roomId);
        JsonNode msg = find(tl, "m.room.message", null);
        assertTrue(msg.has("auth_events") && msg.has("prev_events") && msg.has("depth") && msg.has("hashes")
                && msg.has("signatures"), msg::toString);
        assertEquals(roomId, msg.path("room_id").asText(), msg::toString);
        assertEquals("fed", msg.path("content").path("body").asText());
    }

    @Test
    void lazyLoadingAcrossSyncs() {
        U a = user("sf-ll");
        U b = user("sf-ll2");
        U c = user("sf-ll3");
        U d = user("sf-ll4");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "lazy"));
        join(b, roomId);
        join(c, roomId);
        join(d, roomId);
        for (int i = 0; i < 12; i++) send(i % 2 == 0 ? a : b, roomId, "x" + i);
        String lazy = filterJson(map("room", map("state", map("lazy_load_members", true), "timeline", map("limit", 4))));
        JsonNode s1 = sync(a, null, lazy);
        JsonNode r1 = joined(s1, roomId);
        List<String> m1 = memberKeys(r1.path("state").path("events"));
        assertEquals(Set.of(a.id(), b.id()), new HashSet<>(m1), "only timeline senders and the user: " + r1);
        assertTrue(find(r1.path("state").path("events"), "m.room.name", "").isObject(), "other state is complete: " + r1);
        assertEquals(4, r1.path("summary").path("m.joined_member_count").asInt(), r1::toString);

        // Next sync: b writes again; b's member event is not repeated. c writes for the first time: c's is sent.
        send(b, roomId, "b again");
        send(c, roomId, "c first");
        JsonNode r2 = joined(sync(a, next(s1), lazy), roomId);
        assertEquals(List.of(c.id()), memberKeys(r2.path("state").path("events")), r2::toString);

        // include_redundant_members repeats them.
        String redundant = filterJson(map("room", map("state", map("lazy_load_members", true, "include_redundant_members", true),
                "timeline", map("limit", 4))));
        JsonNode s3 = sync(a, null, redundant);
        send(b, roomId, "b once more");
        JsonNode r3 = joined(sync(a, next(s3), redundant), roomId);
        assertTrue(memberKeys(r3.path("state").path("events")).contains(b.id()), r3::toString);
    }

    @Test
    void lazyLoadingLimitedSyncIncludesMemberChangesInTheGap() {
        U a = user("sf-gap");
        U b = user("sf-gap2");
        U c = user("sf-gap3");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        String lazy = filterJson(map("room", map("state", map("lazy_load_members", true), "timeline", map("limit", 2))));
        String since = next(sync(a, null, lazy));
        join(c, roomId);          // in the gap
        setState(b, roomId, "m.room.member", b.id(), map("membership", "join", "displayname", "Bee"));
        for (int i = 0; i < 5; i++) send(a, roomId, "filler " + i);
        JsonNode r = joined(sync(a, since, lazy), roomId);
        assertTrue(r.path("timeline").path("limited").asBoolean(), r::toString);
        JsonNode st = r.path("state").path("events");
        assertEquals("join", find(st, "m.room.member", c.id()).path("content").path("membership").asText(), st::toString);
        assertEquals("Bee", find(st, "m.room.member", b.id()).path("content").path("displayname").asText(), st::toString);
        assertEquals(3, r.path("summary").path("m.joined_member_count").asInt(), "the summary follows member changes: " + r);
    }

    @Test
    void lazyLoadingIncludesHeroMembers() {
        U a = user("sf-h");
        U b = user("sf-h2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        for (int i = 0; i < 12; i++) send(a, roomId, "only a " + i);
        JsonNode r = joined(sync(a, null, filterJson(map("room", map("state", map("lazy_load_members", true))))), roomId);
        assertEquals(b.id(), r.path("summary").path("m.heroes").path(0).asText(), r::toString);
        assertTrue(find(r.path("state").path("events"), "m.room.member", b.id()).isObject(),
                "heroes' member events are included under lazy loading: " + r);
    }

    @Test
    void lazyLoadingFullStateIncludesOwnMember() {
        U a = user("sf-fs");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String lazy = filterJson(map("room", map("state", map("lazy_load_members", true))));
        String since = next(sync(a, null, lazy));
        JsonNode s = ok(a.get(V3 + "/sync?full_state=true&since=" + enc(since) + "&filter=" + enc(lazy)));
        JsonNode st = joined(s, roomId).path("state").path("events");
        JsonNode tl = joined(s, roomId).path("timeline").path("events");
        // Full state is the state at the start of the timeline: an event in the timeline is not repeated there.
        assertTrue(find(st, "m.room.member", a.id()).isObject() || find(tl, "m.room.member", a.id()).isObject(), s::toString);
        assertTrue(find(st, "m.room.create", "").isObject() || find(tl, "m.room.create", "").isObject(), s::toString);
    }

    @Test
    void profileChangeIsAnIncrementalUpdateNotANewRoom() {
        U a = user("sf-pc");
        String roomId = createRoom(a, map("preset", "public_chat"));
        for (int i = 0; i < 3; i++) send(a, roomId, "before " + i);
        String since = next(initialSync(a));
        // A per-room profile change: join -> join.
        setState(a, roomId, "m.room.member", a.id(), map("membership", "join", "displayname", "New Name"));
        JsonNode r = joined(sync(a, since, null), roomId);
        List<String> tl = types(r.path("timeline").path("events"));
        assertEquals(List.of("m.room.member"), tl, "only the profile change, not the history again: " + r);
        assertFalse(r.path("timeline").path("limited").asBoolean(), r::toString);
        assertEquals(0, r.path("state").path("events").size(), "no full state again: " + r);
    }

    @Test
    void storedFilterIdWorksForSync() {
        U a = user("sf-id");
        String roomId = createRoom(a, map("preset", "public_chat"));
        send(a, roomId, "one");
        sendEvent(a, roomId, "org.example.x", map());
        String id = ok(a.post(V3 + "/user/" + enc(a.id()) + "/filter",
                map("room", map("timeline", map("types", List.of("org.example.x")))))).path("filter_id").asText();
        assertEquals(List.of("org.example.x"), types(timeline(sync(a, null, id), roomId)));
        SyncFx.err(a.get(V3 + "/sync?filter=99999"), 400, "M_INVALID_PARAM");
        SyncFx.err(a.get(V3 + "/sync?filter=" + enc("{\"room\": 5}")), 400, "M_BAD_JSON");
    }
}
