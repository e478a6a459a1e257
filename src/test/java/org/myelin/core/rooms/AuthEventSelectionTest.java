package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.core.rooms.TestRoom.ALICE;
import static org.myelin.core.rooms.TestRoom.BOB;
import static org.myelin.core.rooms.TestRoom.CAROL;
import static org.myelin.core.rooms.TestRoom.DAVE;
import static org.myelin.core.rooms.TestRoom.FRANK;
import static org.myelin.core.rooms.TestRoom.json;

class AuthEventSelectionTest {
    private static final StateKey CREATE = StateKey.of("m.room.create", "");
    private static final StateKey POWER_LEVELS = StateKey.of("m.room.power_levels", "");
    private static final StateKey JOIN_RULES = StateKey.of("m.room.join_rules", "");

    private static StateKey member(String user) {
        return StateKey.of("m.room.member", user);
    }

    /**
     * The selected keys, as a compact string: c = create, p = power levels, j = join rules,
     * t = third-party invite "tok", and user names for member events.
     */
    @ParameterizedTest(name = "v{0} {1}[{2}] by {3} {4} -> {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "1  | m.room.create  |            | alice | {}                                                          | ``",
            "12 | m.room.create  |            | alice | {}                                                          | ``",
            "1  | m.room.message |            | carol | {'body': 'x'}                                               | c p carol",
            "11 | m.room.name    | ``         | carol | {'name': 'x'}                                               | c p carol",
            "12 | m.room.message |            | carol | {'body': 'x'}                                               | p carol",
            "1  | m.room.member  | carol      | carol | {'membership': 'join'}                                      | c p carol j",
            "12 | m.room.member  | carol      | carol | {'membership': 'join'}                                      | p carol j",
            "1  | m.room.member  | frank      | carol | {'membership': 'invite'}                                    | c p carol frank j",
            "7  | m.room.member  | frank      | frank | {'membership': 'knock'}                                     | c p frank j",
            "1  | m.room.member  | carol      | carol | {'membership': 'leave'}                                     | c p carol",
            "1  | m.room.member  | frank      | bob   | {'membership': 'leave'}                                     | c p bob frank",
            "1  | m.room.member  | frank      | bob   | {'membership': 'ban'}                                       | c p bob frank",
            "1  | m.room.member  | frank      | carol | {'membership': 'invite', 'third_party_invite': {'signed': {'token': 'tok'}}} | c p carol frank j t",
            "1  | m.room.member  | frank      | carol | {'membership': 'invite', 'third_party_invite': {'signed': {}}}               | c p carol frank j",
            "1  | m.room.member  | frank      | frank | {'membership': 'join', 'third_party_invite': {'signed': {'token': 'tok'}}}   | c p frank j",
            "8  | m.room.member  | frank      | frank | {'membership': 'join', 'join_authorised_via_users_server': 'bob'}           | c p frank j bob",
            "12 | m.room.member  | frank      | frank | {'membership': 'join', 'join_authorised_via_users_server': 'bob'}           | p frank j bob",
            "7  | m.room.member  | frank      | frank | {'membership': 'join', 'join_authorised_via_users_server': 'bob'}           | c p frank j",
            "8  | m.room.member  | frank      | frank | {'membership': 'leave', 'join_authorised_via_users_server': 'bob'}          | c p frank",
    })
    void candidates(String version, String type, String stateKey, String sender, String content, String expected) {
        List<String> actual = new ArrayList<>();
        for (StateKey key : AuthEventSelection.candidates(type, user(stateKey), user(sender),
                json(content.replace("'bob'", "'" + BOB + "'")), RoomVersion.require(version))) {
            actual.add(abbreviate(key));
        }
        assertEquals(expected, String.join(" ", actual));
    }

    private static String user(String name) {
        if (name == null || name.isEmpty()) return name;
        return switch (name) {
            case "alice" -> ALICE;
            case "bob" -> BOB;
            case "carol" -> CAROL;
            case "frank" -> FRANK;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String abbreviate(StateKey key) {
        return switch (key.type()) {
            case "m.room.create" -> "c";
            case "m.room.power_levels" -> "p";
            case "m.room.join_rules" -> "j";
            case "m.room.third_party_invite" -> "t";
            default -> key.stateKey().substring(1, key.stateKey().indexOf(':'));
        };
    }

    @Test
    void selectKeepsOnlyStateThatExistsInSelectionOrder() {
        TestRoom room = TestRoom.standard(RoomVersion.require("10"));
        List<StateKey> selected = AuthEventSelection.select("m.room.member", FRANK, CAROL,
                json("{'membership': 'invite'}"), room.version, room.state);
        assertEquals(List.of(CREATE, POWER_LEVELS, member(CAROL), JOIN_RULES), selected);
        room.member(FRANK, "leave");
        assertEquals(List.of(CREATE, POWER_LEVELS, member(CAROL), member(FRANK), JOIN_RULES),
                AuthEventSelection.select("m.room.member", FRANK, CAROL, json("{'membership': 'invite'}"),
                        room.version, room.state));
    }

    @Test
    void selectNeverPicksTheCreateEventInV12() {
        TestRoom room = TestRoom.standard(RoomVersion.require("12"));
        assertEquals(List.of(POWER_LEVELS, member(CAROL)), AuthEventSelection.select("m.room.message", null, CAROL,
                json("{}"), room.version, room.state));
    }

    private static List<Event> cite(TestRoom room, StateKey... keys) {
        List<Event> events = new ArrayList<>();
        for (StateKey key : keys) events.add(room.state.get(key));
        return events;
    }

    @Test
    void authStateOfAcceptsAConformingList() {
        TestRoom room = TestRoom.standard(RoomVersion.require("9"));
        Event message = room.event("m.room.message", null, CAROL, "{'body': 'hi'}");
        Map<StateKey, Event> state = AuthEventSelection.authStateOf(message, room.version,
                cite(room, CREATE, POWER_LEVELS, member(CAROL)));
        assertEquals(3, state.size());
        new AuthRules((e, s) -> false, (s, k) -> false).check(message, room.version, state, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
    }

    @Test
    void authStateOfInV12ExcludesTheCreateEventWhichTheCallerAdds() {
        TestRoom room = TestRoom.standard(RoomVersion.require("12"));
        Event message = room.event("m.room.message", null, CAROL, "{'body': 'hi'}");
        Map<StateKey, Event> state = AuthEventSelection.authStateOf(message, room.version,
                cite(room, POWER_LEVELS, member(CAROL)));
        assertEquals(2, state.size());
        state.put(CREATE, room.create);
        new AuthRules((e, s) -> false, (s, k) -> false).check(message, room.version, state, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
    }

    @ParameterizedTest(name = "v{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "1  | create missing          | lack the m.room.create",
            "11 | create missing          | lack the m.room.create",
            "12 | create cited            | (m.room.create, ) is not one the auth events selection picks",
            "3  | join rules for a message | (m.room.join_rules, ) is not one",
            "12 | another user's member   | (m.room.member, @frank:c.example) is not one",
            "6  | duplicate key           | cite (m.room.power_levels, ) twice",
            "10 | other room              | is from room !elsewhere",
            "4  | a message event         | (m.room.message, null) is not one",
    })
    void authStateOfRejects(String version, String situation, String failure) {
        TestRoom room = TestRoom.standard(RoomVersion.require(version));
        Event message = room.event("m.room.message", null, CAROL, "{'body': 'hi'}");
        List<Event> cited = new ArrayList<>(cite(room, POWER_LEVELS, member(CAROL)));
        if (!room.version.roomIdFromCreateEvent() && !situation.equals("create missing")) cited.add(room.create);
        switch (situation) {
            case "create cited" -> cited.add(room.create);
            case "join rules for a message" -> cited.add(room.state.get(JOIN_RULES));
            case "another user's member" -> cited.add(room.member(FRANK, "leave").state.get(member(FRANK)));
            case "duplicate key" -> cited.add(room.event("m.room.power_levels", "", ALICE, "{}"));
            case "other room" -> cited.set(0, room.event("m.room.power_levels", "", ALICE, "{}",
                    pdu -> pdu.put("room_id", "!elsewhere")));
            case "a message event" -> cited.add(room.event("m.room.message", null, CAROL, "{}"));
            default -> { }
        }
        AuthFailure e = assertThrows(AuthFailure.class, () -> AuthEventSelection.authStateOf(message, room.version, cited));
        assertTrue(e.getMessage().contains(failure), e.getMessage());
    }

    @Test
    void aCreateEventCitesNothing() {
        TestRoom room = TestRoom.standard(RoomVersion.require("5"));
        ObjectNode content = TestRoom.standardCreateContent(room.version);
        Event create = TestRoom.createEvent(room.version, ALICE, content, pdu -> {});
        assertEquals(Map.of(), AuthEventSelection.authStateOf(create, room.version, List.of()));
        assertThrows(AuthFailure.class, () -> AuthEventSelection.authStateOf(create, room.version,
                cite(room, POWER_LEVELS)));
    }

    @Test
    void theInvitesTokenAndTheAuthorisersMembershipAreSelected() {
        TestRoom room = TestRoom.standard(RoomVersion.require("9"));
        Event join = room.event("m.room.member", DAVE, DAVE,
                "{'membership': 'join', 'join_authorised_via_users_server': '" + BOB + "'}");
        Map<StateKey, Event> state = AuthEventSelection.authStateOf(join, room.version,
                cite(room, CREATE, POWER_LEVELS, member(DAVE), JOIN_RULES, member(BOB)));
        assertTrue(state.containsKey(member(BOB)));
    }
}
