package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.core.rooms.TestRoom.ALICE;
import static org.myelin.core.rooms.TestRoom.BOB;
import static org.myelin.core.rooms.TestRoom.CAROL;
import static org.myelin.core.rooms.TestRoom.ZED;
import static org.myelin.core.rooms.TestRoom.json;

class PowerLevelsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static RoomVersion v(String id) {
        return RoomVersion.require(id);
    }

    /** One JSON value (in single-quote notation), one room version, the level it reads as ("-" for none). */
    @ParameterizedTest(name = "{0} in v{1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "50                       | 1  | 50",
            "50                       | 12 | 50",
            "-20                      | 12 | -20",
            "'50'                     | 1  | 50",
            "'50'                     | 9  | 50",
            "'50'                     | 10 | -",
            "'50'                     | 12 | -",
            "' +050 '                 | 9  | 50",
            "'-7'                     | 6  | -7",
            "'000100'                 | 3  | 100",
            "'5.5'                    | 9  | -",
            "''                       | 9  | -",
            "'0x10'                   | 9  | -",
            "'1e3'                    | 9  | -",
            "'+-5'                    | 9  | -",
            "50.9                     | 5  | 50",
            "-50.9                    | 1  | -50",
            "5.114698E4               | 1  | 51146",
            "50.0                     | 6  | -",
            "1e400                    | 1  | -",
            "9007199254740991         | 6  | 9007199254740991",
            "-9007199254740991        | 12 | -9007199254740991",
            "9007199254740992         | 6  | -",
            "9007199254740992         | 5  | 9007199254740992",
            "99999999999999999999999  | 1  | 9223372036854775806",
            "-99999999999999999999999 | 1  | -9223372036854775808",
            "'99999999999999999999'   | 9  | 9223372036854775806",
            "true                     | 1  | -",
            "null                     | 1  | -",
            "{}                       | 1  | -",
    })
    void parsesOneLevel(String value, String version, String expected) throws Exception {
        JsonNode node = MAPPER.readTree(value.replace('\'', '"'));
        Long level = PowerLevels.parse(node, v(version));
        if (expected.equals("-")) assertNull(level);
        else assertEquals(Long.parseLong(expected), level);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "6", "11"})
    void withoutAnEventTheCreatorHas100AndDefaultsApply(String id) {
        PowerLevels levels = PowerLevels.of(null, Set.of(ALICE), v(id));
        assertEquals(100, levels.userLevel(ALICE));
        assertEquals(0, levels.userLevel(BOB));
        assertEquals(50, levels.ban());
        assertEquals(50, levels.kick());
        assertEquals(50, levels.redact());
        assertEquals(0, levels.invite());
        assertEquals(50, levels.stateDefault());
        assertEquals(0, levels.eventsDefault());
        assertEquals(0, levels.usersDefault());
        assertEquals(OptionalLong.of(50), levels.notificationLevel("room"));
        assertEquals(50, levels.eventLevel("m.room.name", true));
        assertEquals(0, levels.eventLevel("m.room.message", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "10", "11"})
    void beforeV12TheCreatorIsOrdinaryOnceAnEventExists(String id) {
        PowerLevels levels = PowerLevels.of(json("{'users_default': 5}"), Set.of(ALICE), v(id));
        assertEquals(5, levels.userLevel(ALICE));
    }

    @Test
    void v12CreatorsAreInfinitelyPowerfulWithOrWithoutAnEvent() {
        Set<String> creators = Set.of(ALICE, ZED);
        assertEquals(PowerLevels.INFINITE, PowerLevels.of(null, creators, v("12")).userLevel(ALICE));
        PowerLevels levels = PowerLevels.of(json("{'users': {'" + BOB + "': 9007199254740991}}"), creators, v("12"));
        assertEquals(PowerLevels.INFINITE, levels.userLevel(ZED));
        assertTrue(levels.userLevel(ZED) > levels.userLevel(BOB));
        assertEquals(0, levels.userLevel(CAROL));
    }

    @Test
    void explicitValuesOverrideDefaults() {
        PowerLevels levels = PowerLevels.of(json("{'ban': 60, 'kick': 40, 'redact': 30, 'invite': 20, 'state_default': 70,"
                + " 'events_default': 10, 'users_default': 5, 'events': {'m.room.name': 80, 'm.room.message': 1},"
                + " 'notifications': {'room': 90, 'custom': 3}, 'users': {'" + BOB + "': 55}}"), Set.of(), v("11"));
        assertEquals(60, levels.ban());
        assertEquals(40, levels.kick());
        assertEquals(30, levels.redact());
        assertEquals(20, levels.invite());
        assertEquals(70, levels.stateDefault());
        assertEquals(10, levels.eventsDefault());
        assertEquals(5, levels.usersDefault());
        assertEquals(55, levels.userLevel(BOB));
        assertEquals(5, levels.userLevel(CAROL));
        assertEquals(80, levels.eventLevel("m.room.name", true));
        assertEquals(80, levels.eventLevel("m.room.name", false), "events entries apply to state and messages alike");
        assertEquals(70, levels.eventLevel("m.room.topic", true));
        assertEquals(10, levels.eventLevel("m.room.encrypted", false));
        assertEquals(OptionalLong.of(90), levels.notificationLevel("room"));
        assertEquals(OptionalLong.of(3), levels.notificationLevel("custom"));
        assertEquals(OptionalLong.empty(), levels.notificationLevel("unknown"));
        assertEquals(OptionalLong.of(60), levels.explicit("ban"));
        assertEquals(OptionalLong.empty(), PowerLevels.of(json("{}"), Set.of(), v("11")).explicit("ban"));
    }

    @Test
    void unreadableValuesFallBackToDefaults() {
        PowerLevels levels = PowerLevels.of(json("{'ban': 'lots', 'events': {'m.room.name': null}, 'users': {'"
                + BOB + "': '70'}}"), Set.of(), v("10"));
        assertEquals(50, levels.ban());
        assertEquals(50, levels.eventLevel("m.room.name", true));
        assertEquals(0, levels.userLevel(BOB));
        assertEquals(Map.of(), levels.users());
    }

    @Test
    void stringsAreReadBeforeV10() {
        PowerLevels levels = PowerLevels.of(json("{'ban': '60', 'users': {'" + BOB + "': ' 70 '}}"), Set.of(), v("9"));
        assertEquals(60, levels.ban());
        assertEquals(70, levels.userLevel(BOB));
    }

    @Test
    void fromStateTakesTheCreatorsFromTheCreateEvent() {
        TestRoom room = TestRoom.standard(v("12"), json("{'additional_creators': ['" + ZED + "']}"));
        PowerLevels levels = PowerLevels.fromState(room.state, v("12"));
        assertEquals(PowerLevels.INFINITE, levels.userLevel(ALICE));
        assertEquals(PowerLevels.INFINITE, levels.userLevel(ZED));
        assertEquals(50, levels.userLevel(BOB));

        TestRoom old = TestRoom.created(v("10"), json("{'creator': '" + BOB + "'}"));
        assertEquals(100, PowerLevels.fromState(old.state, v("10")).userLevel(BOB));
        assertEquals(0, PowerLevels.fromState(old.state, v("10")).userLevel(ALICE));
    }

    @ParameterizedTest(name = "{0} in v{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'ban': 50, 'users': {'@bob:a.example': 50}}    | 12 | ",
            "{}                                              | 1  | ",
            "{'ban': '50'}                                   | 9  | ",
            "{'ban': '50'}                                   | 10 | \"ban\" is not an integer: \"50\"",
            "{'ban': 'x'}                                    | 9  | \"ban\" is not an integer or a string holding one",
            "{'events': []}                                  | 1  | \"events\" is not an object",
            "{'notifications': {'room': 1.5}}                | 6  | \"notifications\".room is not an integer",
            "{'users': {'bob': 1}}                           | 1  | \"users\" has an invalid user ID: bob",
            "{'users': {'@bob:a.example': '1'}}              | 11 | \"users\".@bob:a.example is not an integer",
            "{'historical': 'anything', 'custom': {}}        | 12 | ",
    })
    void validatesContent(String content, String version, String problem) {
        Optional<String> result = PowerLevels.validate(json(content), v(version));
        if (problem == null) assertEquals(Optional.empty(), result);
        else assertTrue(result.orElseThrow().startsWith(problem), result.orElseThrow());
    }
}
