package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client;
import org.myelin.it.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.V3;
import static org.myelin.it.rooms.RoomFx.countEvents;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.enc;
import static org.myelin.it.rooms.RoomFx.err;
import static org.myelin.it.rooms.RoomFx.forbidden;
import static org.myelin.it.rooms.RoomFx.getState;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.notFound;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.publicRoom;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.setState;
import static org.myelin.it.rooms.RoomFx.state;
import static org.myelin.it.rooms.RoomFx.stateEvent;
import static org.myelin.it.rooms.RoomFx.stateMap;
import static org.myelin.it.rooms.RoomFx.user;

/** PUT/GET /rooms/{roomId}/state/{eventType}/{stateKey} and GET /rooms/{roomId}/state. */
class StateTest {
    private static U alice;
    private static U bob;
    private static U eve;

    @BeforeAll
    static void users() {
        alice = user("state-a");
        bob = user("state-b");
        eve = user("state-e");
    }

    @Test
    void putAndGetWithStateKey() {
        String room = publicRoom(alice);
        String id = setState(alice, room, "org.example.thing", "key1", map("v", 1));
        assertEquals(1, getState(alice, room, "org.example.thing", "key1").path("v").asInt());
        JsonNode ev = stateEvent(alice, room, "org.example.thing", "key1");
        assertEquals(id, ev.path("event_id").asText(), ev::toString);
        assertEquals("key1", ev.path("state_key").asText(), ev::toString);
        assertEquals("org.example.thing", ev.path("type").asText(), ev::toString);
        assertEquals(alice.id(), ev.path("sender").asText(), ev::toString);
        assertEquals(room, ev.path("room_id").asText(), ev::toString);
        // format=content is the default.
        assertEquals(1, ok(alice.get(state(room, "org.example.thing", "key1") + "?format=content")).path("v").asInt());
        // Other keys of the same type are separate state.
        notFound(alice.get(state(room, "org.example.thing", "key2")));
        notFound(alice.get(state(room, "org.example.thing", "")));
    }

    @Test
    void emptyStateKeyWithAndWithoutTrailingSlash() {
        String room = publicRoom(alice);
        String base = room(room) + "/state/m.room.name";
        String a = ok(alice.put(base, map("name", "no slash"))).path("event_id").asText();
        assertEquals("no slash", ok(alice.get(base + "/")).path("name").asText());
        String b = ok(alice.put(base + "/", map("name", "slash"))).path("event_id").asText();
        assertNotEquals(a, b);
        assertEquals("slash", ok(alice.get(base)).path("name").asText());
        JsonNode ev = ok(alice.get(base + "/?format=event"));
        assertEquals("", ev.path("state_key").asText(null), ev::toString);
        assertEquals(b, ev.path("event_id").asText());
    }

    @Test
    void stateKeyWithSlashAndOtherCharacters() {
        String room = publicRoom(alice);
        for (String key : List.of("a/b", "a/b/c/", "with space", "ü+ø?#&", "x:y.z", "%2F")) {
            setState(alice, room, "org.example.k", key, map("key", key));
            assertEquals(key, getState(alice, room, "org.example.k", key).path("key").asText(), key);
            assertEquals(key, stateEvent(alice, room, "org.example.k", key).path("state_key").asText(), key);
        }
        // The slash stays inside the key: "a" was never set.
        notFound(alice.get(state(room, "org.example.k", "a")));
    }

    @Test
    void unknownStateIsNotFound() {
        String room = publicRoom(alice);
        notFound(alice.get(state(room, "m.room.topic", "")));
        notFound(alice.get(state(room, "org.example.none", "x") + "?format=event"));
    }

    @Test
    void readingStateNeedsMembership() {
        String room = createRoom(alice, map("name", "secret"));
        forbidden(eve.get(state(room, "m.room.name", "")));
        forbidden(eve.get(room(room) + "/state"));
        forbidden(eve.get(room(room) + "/members"));
        forbidden(eve.get(room(room) + "/joined_members"));
        // An unknown room looks the same as one the user cannot see.
        String unknown = "!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME;
        forbidden(eve.get(state(unknown, "m.room.name", "")));
        forbidden(eve.get(room(unknown) + "/state"));
    }

    @Test
    void sendingStateNeedsPower() {
        String room = publicRoom(alice);
        join(bob, room);
        forbidden(bob.put(state(room, "m.room.name", ""), map("name", "bob's")));
        forbidden(bob.put(state(room, "m.room.power_levels", ""), map("users", map(bob.id(), 100))));
        forbidden(bob.put(state(room, "org.example.custom", ""), map()));
        // Not a member at all.
        forbidden(eve.put(state(room, "m.room.topic", ""), map("topic", "t")));
        // With power it works.
        setState(alice, room, "m.room.name", "", map("name", "alice's"));
    }

    @Test
    void stateKeyOfAUserIdIsOwnedByThatUser() {
        String room = createRoom(alice, map("preset", "public_chat", "room_version", "11",
                "power_level_content_override", map("state_default", 0)));
        join(bob, room);
        setState(bob, room, "org.example.mine", bob.id(), map("v", 1));
        forbidden(bob.put(state(room, "org.example.mine", alice.id()), map("v", 1)));
    }

    @Test
    void sameContentTwiceReturnsSameEvent() {
        String room = publicRoom(alice);
        String a = setState(alice, room, "m.room.topic", "", map("topic", "same"));
        String b = setState(alice, room, "m.room.topic", "", map("topic", "same"));
        assertEquals(a, b);
        assertEquals(1, countEvents(room, "m.room.topic"));
        String c = setState(alice, room, "m.room.topic", "", map("topic", "different"));
        assertNotEquals(a, c);
        assertEquals(2, countEvents(room, "m.room.topic"));
    }

    @Test
    void prevContentAndReplacesState() {
        String room = publicRoom(alice);
        String first = setState(alice, room, "m.room.topic", "", map("topic", "one"));
        JsonNode ev1 = stateEvent(alice, room, "m.room.topic", "");
        assertFalse(ev1.path("unsigned").has("prev_content"), ev1::toString);
        assertFalse(ev1.path("unsigned").has("replaces_state"), ev1::toString);
        String second = setState(alice, room, "m.room.topic", "", map("topic", "two"));
        JsonNode ev2 = stateEvent(alice, room, "m.room.topic", "");
        assertEquals(second, ev2.path("event_id").asText());
        assertEquals("one", ev2.path("unsigned").path("prev_content").path("topic").asText(), ev2::toString);
        assertEquals(first, ev2.path("unsigned").path("replaces_state").asText(), ev2::toString);
        // The same through /event and /state.
        JsonNode viaEvent = RoomFx.getEvent(alice, room, second);
        assertEquals(first, viaEvent.path("unsigned").path("replaces_state").asText(), viaEvent::toString);
        JsonNode viaState = stateMap(alice, room).get("m.room.topic|");
        assertEquals("one", viaState.path("unsigned").path("prev_content").path("topic").asText(), viaState::toString);
        // Membership changes carry the previous membership.
        join(bob, room);
        RoomFx.leave(bob, room);
        JsonNode leave = stateEvent(alice, room, "m.room.member", bob.id());
        assertEquals("join", leave.path("unsigned").path("prev_content").path("membership").asText(), leave::toString);
    }

    @Test
    void fullStateListsEveryCurrentStateEventOnce() {
        String room = createRoom(alice, map("preset", "public_chat", "name", "N", "topic", "T"));
        join(bob, room);
        setState(alice, room, "m.room.name", "", map("name", "N2"));
        Map<String, JsonNode> s = stateMap(bob, room);
        assertEquals("N2", s.get("m.room.name|").path("content").path("name").asText());
        assertTrue(s.containsKey("m.room.create|"), s::toString);
        assertTrue(s.containsKey("m.room.power_levels|"), s::toString);
        assertTrue(s.containsKey("m.room.join_rules|"), s::toString);
        assertTrue(s.containsKey("m.room.member|" + alice.id()), s::toString);
        assertTrue(s.containsKey("m.room.member|" + bob.id()), s::toString);
        for (JsonNode e : s.values()) {
            assertTrue(e.path("event_id").asText().startsWith("$"), e::toString);
            assertTrue(e.has("state_key"), e::toString);
            assertEquals(room, e.path("room_id").asText(), e::toString);
        }
    }

    // ------------------------------------------------------------------ validation

    @Test
    void canonicalAliasMustPointToTheRoom() {
        String aliasLocal = Client.unique("canon");
        String alias = "#" + aliasLocal + ":" + TestServer.SERVER_NAME;
        String room = createRoom(alice, map("room_alias_name", aliasLocal));
        String otherLocal = Client.unique("elsewhere");
        String other = "#" + otherLocal + ":" + TestServer.SERVER_NAME;
        createRoom(alice, map("room_alias_name", otherLocal));
        String path = state(room, "m.room.canonical_alias", "");
        err(alice.put(path, map("alias", other)), 400, "M_BAD_ALIAS");
        err(alice.put(path, map("alias", alias, "alt_aliases", List.of(other))), 400, "M_BAD_ALIAS");
        err(alice.put(path, map("alias", "#unknown-" + System.nanoTime() + ":" + TestServer.SERVER_NAME)), 400, "M_BAD_ALIAS");
        err(alice.put(path, map("alias", "not an alias")), 400, "M_INVALID_PARAM");
        err(alice.put(path, map("alt_aliases", List.of("#no-colon"))), 400, "M_INVALID_PARAM");
        // Valid: the room's own alias, and removing it altogether.
        setState(alice, room, "m.room.canonical_alias", "", map("alias", alias, "alt_aliases", List.of(alias)));
        setState(alice, room, "m.room.canonical_alias", "", map());
        assertNull(getState(alice, room, "m.room.canonical_alias", "").get("alias"));
    }

    @Test
    void canonicalAliasWithDirectoryAliases() {
        String room = createRoom(alice, map());
        String other = createRoom(alice, map());
        String mine = "#" + Client.unique("dir-mine") + ":" + TestServer.SERVER_NAME;
        String alt = "#" + Client.unique("dir-alt") + ":" + TestServer.SERVER_NAME;
        String theirs = "#" + Client.unique("dir-theirs") + ":" + TestServer.SERVER_NAME;
        ok(alice.put(V3 + "/directory/room/" + enc(mine), map("room_id", room)));
        ok(alice.put(V3 + "/directory/room/" + enc(alt), map("room_id", room)));
        ok(alice.put(V3 + "/directory/room/" + enc(theirs), map("room_id", other)));
        String path = state(room, "m.room.canonical_alias", "");
        setState(alice, room, "m.room.canonical_alias", "", map("alias", mine, "alt_aliases", List.of(alt)));
        JsonNode c = getState(alice, room, "m.room.canonical_alias", "");
        assertEquals(mine, c.path("alias").asText(), c::toString);
        assertEquals(alt, c.path("alt_aliases").get(0).asText(), c::toString);
        err(alice.put(path, map("alias", mine, "alt_aliases", List.of(alt, theirs))), 400, "M_BAD_ALIAS");
        err(alice.put(path, map("alias", theirs)), 400, "M_BAD_ALIAS");
        // Still the last valid content.
        assertEquals(mine, getState(alice, room, "m.room.canonical_alias", "").path("alias").asText());
    }

    @Test
    void invalidPowerLevelsContent() {
        String room = createRoom(alice, map("room_version", "11"));
        String path = state(room, "m.room.power_levels", "");
        err(alice.put(path, map("users", map(alice.id(), 100), "ban", "fifty")), 400, "M_BAD_JSON");
        err(alice.put(path, map("users", map(alice.id(), "x"))), 400, "M_BAD_JSON");
        err(alice.put(path, map("users", List.of(alice.id()))), 400, "M_BAD_JSON");
        err(alice.put(path, map("users", map("not-a-user", 50, alice.id(), 100))), 400, "M_BAD_JSON");
        err(alice.put(path, map("users", map(alice.id(), 100), "events", map("m.room.name", 1.5))), 400, "M_BAD_JSON");
        // v10+: integers only, not numeric strings.
        err(alice.put(path, map("users", map(alice.id(), 100), "kick", "50")), 400, "M_BAD_JSON");
        setState(alice, room, "m.room.power_levels", "", map("users", map(alice.id(), 100), "kick", 60));
        assertEquals(60, getState(alice, room, "m.room.power_levels", "").path("kick").asInt());
    }

    @Test
    void stateContentMustBeAnObject() {
        String room = publicRoom(alice);
        err(alice.raw("PUT", state(room, "org.example.x", ""), "[]".getBytes(StandardCharsets.UTF_8)), 400, "M_BAD_JSON");
        err(alice.raw("PUT", state(room, "org.example.x", ""), "nope".getBytes(StandardCharsets.UTF_8)), 400, "M_NOT_JSON");
    }

    @Test
    void postOnStatePathIsNotAllowed() {
        String room = publicRoom(alice);
        err(alice.post(state(room, "org.example.x", ""), map()), 405, "M_UNRECOGNIZED");
    }

    @Test
    void malformedRoomId() {
        err(alice.get(V3 + "/rooms/" + enc("no-bang") + "/state"), 400, "M_INVALID_PARAM");
    }
}
