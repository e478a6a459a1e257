package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.it.Client;
import org.myelin.it.TestServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.V3;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.err;
import static org.myelin.it.rooms.RoomFx.getState;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.stateEvent;
import static org.myelin.it.rooms.RoomFx.stateMap;
import static org.myelin.it.rooms.RoomFx.timeline;

/** POST /createRoom: every parameter, the order of the events it creates, room versions and bad input. */
class CreateRoomTest {
    private static U alice;
    private static U bob;
    private static U carol;

    @BeforeAll
    static void users() {
        alice = RoomFx.user("create-a");
        bob = RoomFx.user("create-b");
        carol = RoomFx.user("create-c");
    }

    private static String create(Map<String, Object> body) { return createRoom(alice, body); }

    private static String joinRule(String roomId) { return getState(alice, roomId, "m.room.join_rules", "").path("join_rule").asText(); }

    private static String historyVisibility(String roomId) {
        return getState(alice, roomId, "m.room.history_visibility", "").path("history_visibility").asText();
    }

    private static String guestAccess(String roomId) { return getState(alice, roomId, "m.room.guest_access", "").path("guest_access").asText(); }

    private static JsonNode powerLevels(String roomId) { return getState(alice, roomId, "m.room.power_levels", ""); }

    // ------------------------------------------------------------------ presets

    @Test
    void privateChatPreset() {
        String room = create(map("preset", "private_chat", "room_version", "11"));
        assertEquals("invite", joinRule(room));
        assertEquals("shared", historyVisibility(room));
        assertEquals("can_join", guestAccess(room));
        JsonNode pl = powerLevels(room);
        assertEquals(100, pl.path("users").path(alice.id()).asInt(), pl::toString);
        assertEquals(1, pl.path("users").size(), pl::toString);
        assertEquals(0, pl.path("invite").asInt(-1), pl::toString);
        // Nobody else gets in without an invite.
        err(bob.post(V3 + "/join/" + Client.enc(room), map()), 403, "M_FORBIDDEN");
    }

    @Test
    void publicChatPreset() {
        String room = create(map("preset", "public_chat", "room_version", "11"));
        assertEquals("public", joinRule(room));
        assertEquals("shared", historyVisibility(room));
        assertEquals("forbidden", guestAccess(room));
        JsonNode pl = powerLevels(room);
        assertEquals(100, pl.path("users").path(alice.id()).asInt(), pl::toString);
        assertEquals(50, pl.path("invite").asInt(-1), pl::toString);
        join(bob, room);
        // A plain member of a public_chat room may not invite.
        err(bob.post(RoomFx.room(room) + "/invite", map("user_id", carol.id())), 403, "M_FORBIDDEN");
    }

    @Test
    void trustedPrivateChatGivesInviteesCreatorPowerBeforeV12() {
        String room = create(map("preset", "trusted_private_chat", "room_version", "11", "invite", List.of(bob.id())));
        assertEquals("invite", joinRule(room));
        assertEquals("shared", historyVisibility(room));
        assertEquals("can_join", guestAccess(room));
        JsonNode pl = powerLevels(room);
        assertEquals(100, pl.path("users").path(alice.id()).asInt(), pl::toString);
        assertEquals(100, pl.path("users").path(bob.id()).asInt(), pl::toString);
        JsonNode create = getState(alice, room, "m.room.create", "");
        assertFalse(create.has("additional_creators"), create::toString);
        assertEquals("invite", RoomFx.membership(alice, room, bob.id()));
    }

    @Test
    void trustedPrivateChatMakesInviteesAdditionalCreatorsInV12() {
        String room = create(map("preset", "trusted_private_chat", "room_version", "12", "invite", List.of(bob.id()),
                "creation_content", map("additional_creators", List.of(carol.id(), bob.id()))));
        JsonNode create = getState(alice, room, "m.room.create", "");
        List<String> extra = new ArrayList<>();
        create.path("additional_creators").forEach(n -> extra.add(n.asText()));
        assertEquals(List.of(carol.id(), bob.id()), extra, create::toString);
        JsonNode pl = powerLevels(room);
        // Creators have infinite power in v12 and are never listed in users.
        assertFalse(pl.path("users").has(alice.id()), pl::toString);
        assertFalse(pl.path("users").has(bob.id()), pl::toString);
        assertFalse(pl.path("users").has(carol.id()), pl::toString);
        // Bob, an additional creator, may change power levels once joined.
        join(bob, room);
        RoomFx.setState(bob, room, "m.room.name", "", map("name", "by bob"));
    }

    @Test
    void defaultPresetFollowsVisibility() {
        String pub = create(map("visibility", "public"));
        assertEquals("public", joinRule(pub));
        assertEquals("forbidden", guestAccess(pub));
        String priv = create(map("visibility", "private"));
        assertEquals("invite", joinRule(priv));
        String none = create(map());
        assertEquals("invite", joinRule(none));
        assertEquals("can_join", guestAccess(none));
        // An explicit preset wins over visibility.
        String both = create(map("visibility", "public", "preset", "private_chat"));
        assertEquals("invite", joinRule(both));
    }

    @Test
    void v12PowerLevelsKeepCreatorOutOfUsersAndTombstoneAboveStateDefault() {
        String room = create(map("room_version", "12"));
        JsonNode pl = powerLevels(room);
        assertFalse(pl.path("users").has(alice.id()), pl::toString);
        assertTrue(pl.path("events").path("m.room.tombstone").asInt() > pl.path("state_default").asInt(), pl::toString);
        // ...and the creator still may do everything.
        RoomFx.setState(alice, room, "m.room.power_levels", "", map("users", map(bob.id(), 100)));
    }

    // ------------------------------------------------------------------ name, topic, alias, invite

    @Test
    void nameAndTopic() {
        String room = create(map("name", "The Pub", "topic", "All about happy hour"));
        assertEquals("The Pub", getState(alice, room, "m.room.name", "").path("name").asText());
        JsonNode topic = getState(alice, room, "m.room.topic", "");
        assertEquals("All about happy hour", topic.path("topic").asText(), topic::toString);
        JsonNode text = topic.path("m.topic").path("m.text");
        assertTrue(text.isArray() && text.size() == 1, topic::toString);
        assertEquals("All about happy hour", text.get(0).path("body").asText(), topic::toString);
        assertEquals("text/plain", text.get(0).path("mimetype").asText("text/plain"), topic::toString);
    }

    @Test
    void roomAliasNameCreatesCanonicalAliasAndResolves() {
        String local = Client.unique("pub");
        String alias = "#" + local + ":" + TestServer.SERVER_NAME;
        String room = create(map("preset", "public_chat", "room_alias_name", local));
        assertEquals(alias, getState(alice, room, "m.room.canonical_alias", "").path("alias").asText());
        assertEquals(room, ok(bob.get(V3 + "/directory/room/" + Client.enc(alias))).path("room_id").asText());
        // The alias resolves for joining.
        join(bob, alias);
        assertEquals("join", RoomFx.membership(alice, room, bob.id()));
        // Taken now.
        err(alice.post(V3 + "/createRoom", map("room_alias_name", local)), 400, "M_ROOM_IN_USE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "has:colon", ""})
    void invalidRoomAliasName(String local) {
        err(alice.post(V3 + "/createRoom", map("room_alias_name", local)), 400, "M_INVALID_PARAM");
    }

    @Test
    void inviteList() {
        String room = create(map("invite", List.of(bob.id(), carol.id())));
        assertEquals("invite", RoomFx.membership(alice, room, bob.id()));
        assertEquals("invite", RoomFx.membership(alice, room, carol.id()));
        JsonNode ev = stateEvent(alice, room, "m.room.member", bob.id());
        assertEquals(alice.id(), ev.path("sender").asText(), ev::toString);
        assertFalse(ev.path("content").has("is_direct"), ev::toString);
        join(bob, room);
    }

    @Test
    void isDirectIsSetOnInviteMemberEvents() {
        String room = create(map("preset", "trusted_private_chat", "is_direct", true, "invite", List.of(bob.id())));
        JsonNode ev = stateEvent(alice, room, "m.room.member", bob.id());
        assertEquals("invite", ev.path("content").path("membership").asText(), ev::toString);
        assertTrue(ev.path("content").path("is_direct").asBoolean(false), ev::toString);
        // Not on the creator's own join.
        JsonNode own = stateEvent(alice, room, "m.room.member", alice.id());
        assertFalse(own.path("content").has("is_direct"), own::toString);
    }

    @Test
    void inviteOfUnknownLocalUserFails() {
        err(alice.post(V3 + "/createRoom", map("invite", List.of("@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME))),
                404, "M_NOT_FOUND");
    }

    @Test
    void visibilityPublishesInTheDirectory() {
        String pub = create(map("visibility", "public", "preset", "public_chat"));
        String priv = create(map("visibility", "private"));
        String dflt = create(map());
        assertEquals("public", ok(alice.get(V3 + "/directory/list/room/" + Client.enc(pub))).path("visibility").asText());
        assertEquals("private", ok(alice.get(V3 + "/directory/list/room/" + Client.enc(priv))).path("visibility").asText());
        assertEquals("private", ok(alice.get(V3 + "/directory/list/room/" + Client.enc(dflt))).path("visibility").asText());
    }

    // ------------------------------------------------------------------ room versions

    static Stream<String> versions() { return IntStream.rangeClosed(1, 12).mapToObj(Integer::toString); }

    @ParameterizedTest
    @MethodSource("versions")
    void everyRoomVersion(String version) {
        String room = create(map("room_version", version, "preset", "public_chat", "name", "v" + version));
        JsonNode create = stateEvent(alice, room, "m.room.create", "");
        assertEquals(version, create.path("content").path("room_version").asText(), create::toString);
        assertEquals(alice.id(), create.path("sender").asText(), create::toString);
        int v = Integer.parseInt(version);
        if (v < 11) assertEquals(alice.id(), create.path("content").path("creator").asText(), create::toString);
        else assertFalse(create.path("content").has("creator"), "v11+ has no creator: " + create);
        String eventId = create.path("event_id").asText();
        if (v <= 2) assertTrue(eventId.endsWith(":" + TestServer.SERVER_NAME), eventId);
        else assertFalse(eventId.contains(":"), eventId);
        if (v >= 4) assertTrue(eventId.substring(1).matches("[A-Za-z0-9_-]{43}"), eventId);
        else if (v == 3) assertTrue(eventId.substring(1).matches("[A-Za-z0-9+/]{43}"), eventId);
        if (v == 12) {
            assertEquals("!" + eventId.substring(1), room, "v12 room ID is derived from the create event ID");
        } else {
            assertTrue(room.endsWith(":" + TestServer.SERVER_NAME), room);
        }
        join(bob, room);
        RoomFx.send(bob, room, "hello v" + version);
        assertEquals("v" + version, getState(bob, room, "m.room.name", "").path("name").asText());
    }

    @Test
    void defaultRoomVersionIs12() {
        String room = create(map());
        assertEquals("12", getState(alice, room, "m.room.create", "").path("room_version").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"13", "0", "1.0", "org.example.unknown", ""})
    void unknownRoomVersion(String version) {
        err(alice.post(V3 + "/createRoom", map("room_version", version)), 400, "M_UNSUPPORTED_ROOM_VERSION");
    }

    @Test
    void v12RoomIdsAreUniquePerCreate() {
        String a = create(map("room_version", "12"));
        String b = create(map("room_version", "12"));
        assertNotEquals(a, b);
        assertFalse(a.contains(":"), a);
    }

    // ------------------------------------------------------------------ creation_content, initial_state, power levels

    @Test
    void creationContentIsAddedButCreatorAndVersionAreOverwritten() {
        String room = create(map("room_version", "10", "creation_content",
                map("m.federate", false, "type", "m.space", "creator", bob.id(), "room_version", "1")));
        JsonNode c = getState(alice, room, "m.room.create", "");
        assertFalse(c.path("m.federate").asBoolean(true), c::toString);
        assertEquals("m.space", c.path("type").asText(), c::toString);
        assertEquals(alice.id(), c.path("creator").asText(), c::toString);
        assertEquals("10", c.path("room_version").asText(), c::toString);
    }

    @Test
    void initialStateIsSetAndOverridesPreset() {
        String room = create(map("preset", "private_chat", "initial_state", List.of(
                map("type", "m.room.join_rules", "state_key", "", "content", map("join_rule", "public")),
                map("type", "m.room.history_visibility", "content", map("history_visibility", "world_readable")),
                map("type", "org.example.custom", "state_key", "k1", "content", map("x", 1)),
                map("type", "m.room.name", "content", map("name", "from initial_state")))));
        assertEquals("public", joinRule(room));
        assertEquals("world_readable", historyVisibility(room));
        assertEquals(1, getState(alice, room, "org.example.custom", "k1").path("x").asInt());
        assertEquals("from initial_state", getState(alice, room, "m.room.name", "").path("name").asText());
        join(bob, room);
    }

    @Test
    void nameAndTopicOverrideInitialState() {
        String room = create(map("name", "param", "topic", "param topic", "initial_state", List.of(
                map("type", "m.room.name", "content", map("name", "initial")),
                map("type", "m.room.topic", "content", map("topic", "initial topic")))));
        assertEquals("param", getState(alice, room, "m.room.name", "").path("name").asText());
        assertEquals("param topic", getState(alice, room, "m.room.topic", "").path("topic").asText());
    }

    @Test
    void powerLevelContentOverride() {
        String room = create(map("room_version", "11", "power_level_content_override",
                map("events_default", 10, "users", map(alice.id(), 100, bob.id(), 75), "events", map("m.room.name", 90))));
        JsonNode pl = powerLevels(room);
        assertEquals(10, pl.path("events_default").asInt(), pl::toString);
        assertEquals(75, pl.path("users").path(bob.id()).asInt(), pl::toString);
        assertEquals(90, pl.path("events").path("m.room.name").asInt(), pl::toString);
        // Keys not overridden keep their defaults.
        assertEquals(50, pl.path("state_default").asInt(), pl::toString);
        assertEquals(50, pl.path("ban").asInt(), pl::toString);
    }

    @Test
    void powerLevelOverrideThatLocksOutTheCreatorIsInvalidRoomState() {
        U u = RoomFx.user("create-lock");
        String alias = Client.unique("locked");
        err(u.post(V3 + "/createRoom", map("room_version", "11", "name", "x", "room_alias_name", alias,
                "power_level_content_override", map("users", map(u.id(), 0)))), 400, "M_INVALID_ROOM_STATE");
        // Nothing is left behind: the user is in no room and the alias is free again.
        assertEquals(List.of(), RoomFx.joinedRooms(u));
        createRoom(u, map("room_alias_name", alias));
    }

    @ParameterizedTest
    @ValueSource(strings = {"m.room.create", "m.room.member"})
    void initialStateCannotSetCreateOrMembershipAndLeavesNoRoomBehind(String type) {
        U u = RoomFx.user("create-bad");
        err(u.post(V3 + "/createRoom", map("initial_state", List.of(map("type", type, "state_key",
                type.equals("m.room.member") ? bob.id() : "", "content", map("membership", "join"))))), 400, "M_INVALID_ROOM_STATE");
        assertEquals(List.of(), RoomFx.joinedRooms(u));
    }

    @Test
    void invalidInitialStateContentLeavesNoRoomBehind() {
        U u = RoomFx.user("create-bad2");
        err(u.post(V3 + "/createRoom", map("initial_state", List.of(map("type", "m.room.power_levels",
                "content", map("ban", "x"))))), 400, "M_BAD_JSON");
        err(u.post(V3 + "/createRoom", map("initial_state", List.of(map("type", "m.room.canonical_alias",
                "content", map("alias", "#not-ours-" + System.nanoTime() + ":" + TestServer.SERVER_NAME))))), 400, "M_BAD_ALIAS");
        err(u.post(V3 + "/createRoom", map("power_level_content_override", map("users", List.of()))), 400, "M_BAD_JSON");
        assertEquals(List.of(), RoomFx.joinedRooms(u));
    }

    // ------------------------------------------------------------------ order of events

    @Test
    void eventsAreCreatedInTheSpecOrder() {
        String local = Client.unique("order");
        String room = create(map("preset", "public_chat", "room_alias_name", local, "name", "N", "topic", "T",
                "invite", List.of(bob.id()), "initial_state", List.of(
                        map("type", "org.example.a", "content", map()),
                        map("type", "org.example.b", "state_key", "x", "content", map()))));
        List<String> keys = new ArrayList<>();
        for (RoomFx.Stored s : timeline(room)) keys.add(s.key());
        assertEquals(List.of(
                "m.room.create|",
                "m.room.member|" + alice.id(),
                "m.room.power_levels|",
                "m.room.canonical_alias|",
                "m.room.join_rules|",
                "m.room.history_visibility|",
                "m.room.guest_access|",
                "org.example.a|",
                "org.example.b|x",
                "m.room.name|",
                "m.room.topic|",
                "m.room.member|" + bob.id()), keys);
        // Each event points at the previous one and the depths count up.
        List<RoomFx.Stored> tl = timeline(room);
        for (int i = 1; i < tl.size(); i++) {
            JsonNode pdu = tl.get(i).pdu();
            assertEquals(i + 1, pdu.path("depth").asInt(), pdu::toString);
            assertEquals(1, pdu.path("prev_events").size(), pdu::toString);
        }
        // The state GET /state returns is the state the events built.
        Map<String, JsonNode> state = stateMap(alice, room);
        assertEquals(12, state.size(), state::toString);
    }

    // ------------------------------------------------------------------ bad input

    static Stream<Map<String, Object>> wrongTypes() {
        return Stream.of(
                map("name", 5),
                map("topic", List.of("x")),
                map("room_alias_name", 7),
                map("invite", "@a:b"),
                map("invite", List.of(5)),
                map("is_direct", "yes"),
                map("room_version", 12),
                map("creation_content", List.of()),
                map("power_level_content_override", "x"),
                map("initial_state", map()),
                map("initial_state", List.of("x")),
                map("initial_state", List.of(map("type", "m.room.name"))),
                map("initial_state", List.of(map("type", 5, "content", map()))),
                map("initial_state", List.of(map("type", "m.room.name", "state_key", 5, "content", map()))),
                map("preset", 5),
                map("visibility", true));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void wrongTypesAreBadJson(Map<String, Object> body) {
        err(alice.post(V3 + "/createRoom", body), 400, "M_BAD_JSON");
    }

    @Test
    void bodyMustBeAnObject() {
        err(alice.raw("POST", V3 + "/createRoom", "[]".getBytes()), 400, "M_BAD_JSON");
        err(alice.raw("POST", V3 + "/createRoom", "{not json".getBytes()), 400, "M_NOT_JSON");
    }

    @Test
    void unknownPresetAndVisibility() {
        err(alice.post(V3 + "/createRoom", map("preset", "secret_chat")), 400, "M_INVALID_PARAM");
        err(alice.post(V3 + "/createRoom", map("visibility", "hidden")), 400, "M_INVALID_PARAM");
    }

    @Test
    void requiresAuthentication() {
        err(RoomFx.noServerError("createRoom", RoomFx.anon().post(V3 + "/createRoom", map())), 401, "M_MISSING_TOKEN");
    }
}
