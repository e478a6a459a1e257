package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.core.rooms.RoomVersion;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An event with every top-level key any version protects, plus some none protect. */
    private static ObjectNode event(String type, String contentJson) throws Exception {
        ObjectNode e = (ObjectNode) MAPPER.readTree("""
                {"event_id": "$e:x", "type": "%s", "room_id": "!r:x", "sender": "@u:x", "state_key": "",
                 "hashes": {"sha256": "abc"}, "signatures": {"x": {"ed25519:1": "sig"}}, "depth": 5,
                 "prev_events": ["$p"], "prev_state": [], "auth_events": ["$a"], "origin": "x",
                 "origin_server_ts": 1000, "membership": "join", "unsigned": {"age_ts": 1},
                 "redacts": "$t", "custom": true}
                """.formatted(type));
        e.set("content", MAPPER.readTree(contentJson));
        return e;
    }

    private static JsonNode redactedContent(String version, String type, String contentJson) throws Exception {
        return Redaction.redact(event(type, contentJson), RoomVersion.require(version)).get("content");
    }

    private static void assertContent(String expectedJson, String version, String type, String contentJson) throws Exception {
        assertEquals(MAPPER.readTree(expectedJson), redactedContent(version, type, contentJson), "v" + version + " " + type);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    @Nested
    class TopLevelKeys {
        @ParameterizedTest
        @ValueSource(strings = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})
        void beforeV11(String version) throws Exception {
            ObjectNode r = Redaction.redact(event("m.room.message", "{\"body\":\"hi\"}"), RoomVersion.require(version));
            assertEquals(List.of("auth_events", "content", "depth", "event_id", "hashes", "membership", "origin",
                    "origin_server_ts", "prev_events", "prev_state", "room_id", "sender", "signatures", "state_key",
                    "type"), fieldNames(r));
        }

        @ParameterizedTest
        @ValueSource(strings = {"11", "12"})
        void fromV11OriginMembershipAndPrevStateGo(String version) throws Exception {
            ObjectNode r = Redaction.redact(event("m.room.message", "{\"body\":\"hi\"}"), RoomVersion.require(version));
            assertEquals(List.of("auth_events", "content", "depth", "event_id", "hashes", "origin_server_ts",
                    "prev_events", "room_id", "sender", "signatures", "state_key", "type"), fieldNames(r));
        }

        @Test
        void keptValuesAreUnchanged() throws Exception {
            ObjectNode in = event("m.room.message", "{}");
            ObjectNode r = Redaction.redact(in, RoomVersion.require("1"));
            for (String k : List.of("event_id", "hashes", "signatures", "depth", "prev_events", "auth_events", "origin")) {
                assertEquals(in.get(k), r.get(k), k);
            }
        }

        @Test
        void contentIsAlwaysPresentAndAlwaysAnObject() throws Exception {
            ObjectNode noContent = event("m.room.member", "{}");
            noContent.remove("content");
            assertEquals(MAPPER.createObjectNode(), Redaction.redact(noContent, RoomVersion.require("11")).get("content"));
            ObjectNode badContent = event("m.room.member", "[1]");
            assertEquals(MAPPER.createObjectNode(), Redaction.redact(badContent, RoomVersion.require("11")).get("content"));
            ObjectNode noType = event("m.room.member", "{\"membership\":\"join\"}");
            noType.remove("type");
            assertEquals(MAPPER.createObjectNode(), Redaction.redact(noType, RoomVersion.require("11")).get("content"));
        }
    }

    @Nested
    class Content {
        @ParameterizedTest
        @ValueSource(strings = {"1", "6", "9", "11", "12"})
        void messagesLoseEverything(String v) throws Exception {
            assertContent("{}", v, "m.room.message", "{\"body\":\"hi\",\"msgtype\":\"m.text\"}");
            assertContent("{}", v, "m.room.topic", "{\"topic\":\"t\"}");
            assertContent("{}", v, "m.room.name", "{\"name\":\"n\"}");
            assertContent("{}", v, "org.example.custom", "{\"membership\":\"join\",\"creator\":\"@u:x\"}");
        }

        @Test
        void member() throws Exception {
            String content = """
                    {"membership": "join", "displayname": "U", "avatar_url": "mxc://x/y",
                     "join_authorised_via_users_server": "@admin:x", "reason": "r",
                     "third_party_invite": {"display_name": "u...", "signed": {"mxid": "@u:x", "token": "t", "signatures": {}}}}
                    """;
            assertContent("{\"membership\":\"join\"}", "1", "m.room.member", content);
            assertContent("{\"membership\":\"join\"}", "6", "m.room.member", content);
            // v8 introduced restricted joins but forgot to protect the authorising user; v9 fixed it.
            assertContent("{\"membership\":\"join\"}", "8", "m.room.member", content);
            assertContent("{\"membership\":\"join\",\"join_authorised_via_users_server\":\"@admin:x\"}", "9", "m.room.member", content);
            assertContent("{\"membership\":\"join\",\"join_authorised_via_users_server\":\"@admin:x\"}", "10", "m.room.member", content);
            String v11 = """
                    {"membership": "join", "join_authorised_via_users_server": "@admin:x",
                     "third_party_invite": {"signed": {"mxid": "@u:x", "token": "t", "signatures": {}}}}
                    """;
            assertContent(v11, "11", "m.room.member", content);
            assertContent(v11, "12", "m.room.member", content);
        }

        @Test
        void memberThirdPartyInviteWithoutSignedIsDropped() throws Exception {
            assertContent("{\"membership\":\"invite\"}", "11", "m.room.member",
                    "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\"}}");
            assertContent("{\"membership\":\"invite\"}", "11", "m.room.member",
                    "{\"membership\":\"invite\",\"third_party_invite\":\"weird\"}");
        }

        @Test
        void create() throws Exception {
            String content = """
                    {"creator": "@u:x", "room_version": "9", "m.federate": false,
                     "predecessor": {"room_id": "!old:x"}, "type": "m.space"}
                    """;
            assertContent("{\"creator\":\"@u:x\"}", "1", "m.room.create", content);
            assertContent("{\"creator\":\"@u:x\"}", "6", "m.room.create", content);
            assertContent("{\"creator\":\"@u:x\"}", "9", "m.room.create", content);
            assertContent("{\"creator\":\"@u:x\"}", "10", "m.room.create", content);
            assertContent(content, "11", "m.room.create", content);
            String v12 = "{\"room_version\":\"12\",\"additional_creators\":[\"@b:y\"],\"x\":{\"deep\":[1]}}";
            assertContent(v12, "12", "m.room.create", v12);
        }

        @Test
        void v12CreateEventWithoutRoomId() throws Exception {
            ObjectNode create = event("m.room.create", "{\"room_version\":\"12\",\"additional_creators\":[\"@b:y\"]}");
            create.remove("room_id");
            ObjectNode r = Redaction.redact(create, RoomVersion.require("12"));
            assertFalse(r.has("room_id"));
            assertEquals(create.get("content"), r.get("content"));
        }

        @Test
        void joinRules() throws Exception {
            String content = "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!s:x\"}],\"other\":1}";
            String withAllow = "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!s:x\"}]}";
            assertContent("{\"join_rule\":\"restricted\"}", "1", "m.room.join_rules", content);
            assertContent("{\"join_rule\":\"restricted\"}", "6", "m.room.join_rules", content);
            assertContent("{\"join_rule\":\"restricted\"}", "7", "m.room.join_rules", content);
            assertContent(withAllow, "8", "m.room.join_rules", content);
            assertContent(withAllow, "9", "m.room.join_rules", content);
            assertContent(withAllow, "11", "m.room.join_rules", content);
            assertContent(withAllow, "12", "m.room.join_rules", content);
        }

        @Test
        void powerLevels() throws Exception {
            String content = """
                    {"ban": 50, "events": {"m.room.name": 50}, "events_default": 0, "invite": 0, "kick": 50,
                     "redact": 50, "state_default": 50, "users": {"@u:x": 100}, "users_default": 0,
                     "notifications": {"room": 50}}
                    """;
            String withoutInvite = """
                    {"ban": 50, "events": {"m.room.name": 50}, "events_default": 0, "kick": 50,
                     "redact": 50, "state_default": 50, "users": {"@u:x": 100}, "users_default": 0}
                    """;
            String withInvite = """
                    {"ban": 50, "events": {"m.room.name": 50}, "events_default": 0, "invite": 0, "kick": 50,
                     "redact": 50, "state_default": 50, "users": {"@u:x": 100}, "users_default": 0}
                    """;
            assertContent(withoutInvite, "1", "m.room.power_levels", content);
            assertContent(withoutInvite, "6", "m.room.power_levels", content);
            assertContent(withoutInvite, "9", "m.room.power_levels", content);
            assertContent(withoutInvite, "10", "m.room.power_levels", content);
            assertContent(withInvite, "11", "m.room.power_levels", content);
            assertContent(withInvite, "12", "m.room.power_levels", content);
        }

        @Test
        void aliasesProtectedOnlyBeforeV6() throws Exception {
            String content = "{\"aliases\":[\"#a:x\"]}";
            for (String v : List.of("1", "2", "3", "4", "5")) assertContent(content, v, "m.room.aliases", content);
            for (String v : List.of("6", "9", "11", "12")) assertContent("{}", v, "m.room.aliases", content);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "6", "9", "11", "12"})
        void historyVisibility(String v) throws Exception {
            assertContent("{\"history_visibility\":\"shared\"}", v, "m.room.history_visibility",
                    "{\"history_visibility\":\"shared\",\"extra\":1}");
        }

        @Test
        void redactionKeepsContentRedactsFromV11AndNeverTopLevelRedacts() throws Exception {
            for (String v : List.of("1", "6", "9", "10")) {
                ObjectNode r = Redaction.redact(event("m.room.redaction", "{\"redacts\":\"$t\",\"reason\":\"spam\"}"), RoomVersion.require(v));
                assertEquals(MAPPER.createObjectNode(), r.get("content"), v);
                assertFalse(r.has("redacts"), v);
            }
            for (String v : List.of("11", "12")) {
                ObjectNode r = Redaction.redact(event("m.room.redaction", "{\"redacts\":\"$t\",\"reason\":\"spam\"}"), RoomVersion.require(v));
                assertEquals(MAPPER.readTree("{\"redacts\":\"$t\"}"), r.get("content"), v);
                assertFalse(r.has("redacts"), v);
            }
        }

        @Test
        void missingProtectedKeysStayMissing() throws Exception {
            assertContent("{}", "11", "m.room.power_levels", "{\"other\":1}");
            assertContent("{}", "1", "m.room.member", "{}");
        }

        @Test
        void typeMattersNotStateKey() throws Exception {
            ObjectNode e = event("m.room.member", "{\"membership\":\"join\",\"displayname\":\"d\"}");
            e.remove("state_key");
            assertEquals(MAPPER.readTree("{\"membership\":\"join\"}"), Redaction.redact(e, RoomVersion.require("9")).get("content"));
        }
    }

    @Test
    void inputUntouchedAndOutputIndependent() throws Exception {
        ObjectNode in = event("m.room.power_levels", "{\"users\":{\"@u:x\":100},\"other\":1}");
        ObjectNode copy = in.deepCopy();
        ObjectNode r = Redaction.redact(in, RoomVersion.require("11"));
        assertEquals(copy, in);
        ((ObjectNode) r.get("content").get("users")).put("@evil:x", 100);
        ((ObjectNode) r.get("hashes")).put("sha256", "changed");
        assertEquals(copy, in);
    }

    @Test
    void idempotent() throws Exception {
        for (RoomVersion v : RoomVersion.all()) {
            ObjectNode once = Redaction.redact(event("m.room.member",
                    "{\"membership\":\"join\",\"third_party_invite\":{\"signed\":{\"a\":1},\"x\":2},\"join_authorised_via_users_server\":\"@a:x\"}"), v);
            assertEquals(once, Redaction.redact(once, v), v.id());
            assertTrue(once.has("content"));
        }
    }
}
