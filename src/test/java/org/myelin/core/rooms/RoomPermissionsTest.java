package org.myelin.core.rooms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.core.events.Event;

import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.core.rooms.TestRoom.ALICE;
import static org.myelin.core.rooms.TestRoom.BOB;
import static org.myelin.core.rooms.TestRoom.CAROL;
import static org.myelin.core.rooms.TestRoom.DAVE;
import static org.myelin.core.rooms.TestRoom.EVE;
import static org.myelin.core.rooms.TestRoom.FRANK;
import static org.myelin.core.rooms.TestRoom.GINA;
import static org.myelin.core.rooms.TestRoom.KIM;

class RoomPermissionsTest {
    private static final List<String> CAST = List.of(ALICE, BOB, CAROL, DAVE, EVE, FRANK, GINA, KIM);

    private static RoomPermissions standard(String version) {
        TestRoom room = TestRoom.standard(RoomVersion.require(version));
        return RoomPermissions.of(room.state, room.version);
    }

    static List<RoomVersion> allVersions() {
        return TestRoom.versions("1-12");
    }

    /**
     * The per-action answers must agree with the auth rules on the event the action would send,
     * for every pair of users in the standard room.
     */
    @ParameterizedTest(name = "v{0}")
    @MethodSource("allVersions")
    void agreesWithTheAuthRules(RoomVersion version) {
        TestRoom room = TestRoom.standard(version);
        RoomPermissions permissions = RoomPermissions.of(room.state, version);
        for (String sender : CAST) {
            for (String target : CAST) {
                boolean banned = permissions.state().membership(target).equals(Membership.BAN);
                assertAgrees(room, sender, target, "invite", permissions::canInvite);
                assertAgrees(room, sender, target, "ban", permissions::canBan);
                if (!sender.equals(target)) {
                    assertAgrees(room, sender, target, "leave", banned ? permissions::canUnban : permissions::canKick);
                }
            }
        }
    }

    private static void assertAgrees(TestRoom room, String sender, String target, String membership,
                                     BiPredicate<String, String> permission) {
        Event event = room.event("m.room.member", target, sender, "{'membership': '" + membership + "'}");
        assertEquals(allowed(room, event), permission.test(sender, target),
                () -> "v" + room.version.id() + " " + sender + " " + membership + " " + target);
    }

    /** Join routes and knocking must agree with the auth rules for every join rule, user and version. */
    @ParameterizedTest(name = "v{0}")
    @MethodSource("allVersions")
    void joinRoutesAndKnocksAgreeWithTheAuthRules(RoomVersion version) {
        for (String rule : List.of("public", "invite", "knock", "restricted", "knock_restricted", "private", "none")) {
            TestRoom room = TestRoom.standard(version);
            if (rule.equals("none")) room.remove("m.room.join_rules", "");
            else room.joinRule(rule);
            RoomPermissions permissions = RoomPermissions.of(room.state, version);
            for (String user : CAST) {
                String where = "v" + version.id() + " " + rule + " " + user;
                boolean plain = allowed(room, room.event("m.room.member", user, user, "{'membership': 'join'}"));
                boolean authorised = allowed(room, room.event("m.room.member", user, user,
                        "{'membership': 'join', 'join_authorised_via_users_server': '" + BOB + "'}",
                        TestRoom.signedBy("a.example")));
                RoomPermissions.JoinRoute expected = plain ? RoomPermissions.JoinRoute.DIRECT
                        : authorised ? RoomPermissions.JoinRoute.VIA_AUTHORISER : RoomPermissions.JoinRoute.FORBIDDEN;
                assertEquals(expected, permissions.joinRoute(user), where);
                assertEquals(allowed(room, room.event("m.room.member", user, user, "{'membership': 'knock'}")),
                        permissions.canKnock(user), where);
            }
        }
    }

    private static boolean allowed(TestRoom room, Event event) {
        try {
            AuthRulesTest.RULES.check(event, room.version, room.state, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
            return true;
        } catch (AuthFailure e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "11", "12"})
    void sendingMessagesAndState(String version) {
        RoomPermissions permissions = standard(version);
        assertTrue(permissions.canSendMessage(CAROL, "m.room.message"));
        assertFalse(permissions.canSendMessage(DAVE, "m.room.message"), "invited, not joined");
        assertTrue(permissions.canSendState(BOB, "m.room.name", ""));
        assertFalse(permissions.canSendState(CAROL, "m.room.name", ""));
        assertFalse(permissions.canSendState(BOB, "org.example.status", CAROL), "another user's state key");
        assertTrue(permissions.canSendState(ALICE, "org.example.status", ALICE));
    }

    @Test
    void kickIsNotUnban() {
        RoomPermissions permissions = standard("10");
        assertFalse(permissions.canKick(ALICE, EVE));
        assertTrue(permissions.canUnban(ALICE, EVE));
        assertFalse(permissions.canUnban(ALICE, CAROL), "not banned");
        assertFalse(permissions.canKick(BOB, BOB));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "9", "12"})
    void redacting(String version) {
        TestRoom room = TestRoom.standard(RoomVersion.require(version));
        RoomPermissions permissions = RoomPermissions.of(room.state, room.version);
        assertTrue(permissions.canRedact(CAROL, CAROL), "own event");
        assertFalse(permissions.canRedact(CAROL, BOB), "other's event below the redact level");
        assertTrue(permissions.canRedact(BOB, CAROL), "at the redact level");
        assertFalse(permissions.canRedact(DAVE, DAVE), "not joined");

        room.powerLevels("{'events': {'m.room.redaction': 10}, 'redact': 0}");
        permissions = RoomPermissions.of(room.state, room.version);
        assertFalse(permissions.canRedact(CAROL, CAROL), "cannot send m.room.redaction at all");
    }

    @Test
    void redactionsApplyAtTheRedactLevelOrFromTheOriginalSendersServer() {
        TestRoom room = TestRoom.standard(RoomVersion.require("11"));
        RoomPermissions permissions = RoomPermissions.of(room.state, room.version);
        Event byCarol = room.event("m.room.message", null, CAROL, "{}");
        Event byAlice = room.event("m.room.message", null, ALICE, "{}");
        Event carolRedacts = room.event("m.room.redaction", null, CAROL, "{}");
        Event bobRedacts = room.event("m.room.redaction", null, BOB, "{}");
        Event daveRedacts = room.event("m.room.redaction", null, DAVE, "{}");
        assertTrue(permissions.redactionApplies(carolRedacts, byCarol));
        assertTrue(permissions.redactionApplies(daveRedacts, byCarol), "same server b.example");
        assertFalse(permissions.redactionApplies(carolRedacts, byAlice));
        assertTrue(permissions.redactionApplies(bobRedacts, byCarol), "redact level");
    }

    @Test
    void restrictedJoinAuthoriserIsTheMostPowerfulLocalUserWhoCanInvite() {
        TestRoom room = TestRoom.standard(RoomVersion.require("10"));
        room.powerLevels("{'invite': 10, 'users': {'" + ALICE + "': 100, '" + BOB + "': 50, '" + GINA + "': 90}}");
        RoomPermissions permissions = RoomPermissions.of(room.state, room.version);
        assertEquals(Optional.of(ALICE), permissions.restrictedJoinAuthoriser(List.of(BOB, ALICE, CAROL)));
        assertEquals(Optional.of(BOB), permissions.restrictedJoinAuthoriser(List.of(CAROL, BOB, GINA)),
                "GINA outranks BOB but has left");
        assertEquals(Optional.empty(), permissions.restrictedJoinAuthoriser(List.of(CAROL, DAVE)));
    }

    @Test
    void v12CreatorsAreTheFirstChoiceAsAuthoriser() {
        TestRoom room = TestRoom.standard(RoomVersion.require("12"));
        RoomPermissions permissions = RoomPermissions.of(room.state, room.version);
        assertEquals(Optional.of(ALICE), permissions.restrictedJoinAuthoriser(List.of(BOB, ALICE)));
    }
}
