package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.core.events.Event;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.core.rooms.TestRoom.ALICE;
import static org.myelin.core.rooms.TestRoom.BOB;
import static org.myelin.core.rooms.TestRoom.CAROL;
import static org.myelin.core.rooms.TestRoom.DAVE;
import static org.myelin.core.rooms.TestRoom.EVE;
import static org.myelin.core.rooms.TestRoom.FRANK;
import static org.myelin.core.rooms.TestRoom.GINA;
import static org.myelin.core.rooms.TestRoom.KIM;
import static org.myelin.core.rooms.TestRoom.ZED;
import static org.myelin.core.rooms.TestRoom.json;
import static org.myelin.core.rooms.TestRoom.signedBy;

/**
 * One row per auth rule clause, run in every room version its range names; where versions differ,
 * the same situation appears once per side of the difference. A rejection row names a fragment of
 * the expected failure message, so a row fails if the event is rejected for the wrong reason.
 */
class AuthRulesTest {
    /** Accepts a server's signature if the event has a "signatures" entry for it. */
    static final ServerSignatures SERVER_SIGNATURES = (event, server) -> event.pdu().path("signatures").has(server);
    /** Accepts signature "sig:KEY" from id.example as made by KEY. */
    static final ThirdPartyInviteSignatures THIRD_PARTY_SIGNATURES = (signed, key) ->
            signed.path("signatures").path("id.example").path("ed25519:0").asText().equals("sig:" + key);
    static final AuthRules RULES = new AuthRules(SERVER_SIGNATURES, THIRD_PARTY_SIGNATURES);

    /** The joiner is in !allowed:a.example (and nothing else), as this server sees it. */
    static final JoinedElsewhere IN_ALLOWED_ROOM = (user, room) -> room.equals("!allowed:a.example");
    static final JoinedElsewhere IN_NO_ROOM = (user, room) -> false;

    record Case(String versions, String name, String failure, Function<RoomVersion, TestRoom> base,
                UnaryOperator<TestRoom> setup, Function<TestRoom, Event> event, JoinedElsewhere joined) {
        Case given(UnaryOperator<TestRoom> more) {
            return new Case(versions, name, failure, base, room -> more.apply(setup.apply(room)), event, joined);
        }

        Case in(Function<RoomVersion, TestRoom> room) {
            return new Case(versions, name, failure, room, setup, event, joined);
        }

        Case vouching(JoinedElsewhere lookup) {
            return new Case(versions, name, failure, base, setup, event, lookup);
        }
    }

    static Case allow(String versions, String name, Function<TestRoom, Event> event) {
        return new Case(versions, name, null, TestRoom::standard, r -> r, event, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
    }

    static Case reject(String versions, String name, String failure, Function<TestRoom, Event> event) {
        return new Case(versions, name, failure, TestRoom::standard, r -> r, event, JoinedElsewhere.TRUST_AUTHORISING_SERVER);
    }

    static Event create(TestRoom r, String sender, ObjectNode content) {
        return TestRoom.createEvent(r.version, sender, content, pdu -> {});
    }

    static Event member(TestRoom r, String sender, String target, String content) {
        return r.event("m.room.member", target, sender, content);
    }

    static Event restrictedJoin(TestRoom r, String joiner, String authoriser, String... signers) {
        return r.event("m.room.member", joiner, joiner,
                "{'membership': 'join', 'join_authorised_via_users_server': '" + authoriser + "'}", signedBy(signers));
    }

    static Event powerLevels(TestRoom r, String sender, String content) {
        return r.event("m.room.power_levels", "", sender, content);
    }

    static final String THIRD_PARTY_INVITE_STATE = "{'display_name': 'f...@example.com', 'public_key': 'K1',"
            + " 'public_keys': [{'public_key': 'K2', 'key_validity_url': 'https://id.example/isvalid'}]}";

    static TestRoom withThirdPartyInvite(TestRoom r) {
        return r.put(r.event("m.room.third_party_invite", "tok", CAROL, THIRD_PARTY_INVITE_STATE));
    }

    static String thirdPartyInvite(String mxid, String token, String signature) {
        return "{'membership': 'invite', 'third_party_invite': {'display_name': 'f...@example.com', 'signed': {"
                + "'mxid': '" + mxid + "', 'token': '" + token + "',"
                + " 'signatures': {'id.example': {'ed25519:0': '" + signature + "'}}}}}";
    }

    static TestRoom restricted(TestRoom r, String rule) {
        return r.joinRules("{'join_rule': '" + rule + "', 'allow': [{'type': 'm.room_membership', 'room_id': '!allowed:a.example'}]}");
    }

    static final String V12_WITH_ZED = "{'room_version': '12', 'additional_creators': ['" + ZED + "']}";

    static List<Case> cases() {
        return List.of(
                // Rule: m.room.create
                allow("1-12", "create: a well-formed create event", r -> create(r, ALICE, TestRoom.standardCreateContent(r.version))),
                reject("1-12", "create: prev_events", "has prev_events", r -> TestRoom.createEvent(r.version, ALICE,
                        TestRoom.standardCreateContent(r.version), pdu -> pdu.putArray("prev_events").add("$x"))),
                reject("1-11", "create: room_id on another server than the sender's", "not on the sender's server",
                        r -> TestRoom.createEvent(r.version, ALICE, TestRoom.standardCreateContent(r.version),
                                pdu -> pdu.put("room_id", "!room:b.example"))),
                reject("12", "create: room_id present in v12", "has a room_id",
                        r -> TestRoom.createEvent(r.version, ALICE, TestRoom.standardCreateContent(r.version),
                                pdu -> pdu.put("room_id", "!room:a.example"))),
                reject("1-12", "create: unknown room_version", "unknown room_version",
                        r -> create(r, ALICE, json("{'creator': '" + ALICE + "', 'room_version': '99'}"))),
                reject("1-12", "create: room_version not a string", "unknown room_version",
                        r -> create(r, ALICE, json("{'creator': '" + ALICE + "', 'room_version': 9}"))),
                allow("1-12", "create: room_version absent (means 1)", r -> create(r, ALICE, json("{'creator': '" + ALICE + "'}"))),
                reject("1-10", "create: no creator before v11", "no content.creator",
                        r -> create(r, ALICE, json("{'room_version': '1'}"))),
                allow("11-12", "create: creator not needed from v11", r -> create(r, ALICE, json("{}"))),
                reject("12", "create: additional_creators not an array", "not an array",
                        r -> create(r, ALICE, json("{'additional_creators': '" + BOB + "'}"))),
                reject("12", "create: additional_creators with an invalid user ID", "invalid user ID",
                        r -> create(r, ALICE, json("{'additional_creators': ['bob']}"))),
                reject("12", "create: additional_creators with a non-string", "invalid user ID",
                        r -> create(r, ALICE, json("{'additional_creators': [7]}"))),
                allow("12", "create: valid additional_creators", r -> create(r, ALICE, json(V12_WITH_ZED))),
                allow("11", "create: additional_creators not validated before v12",
                        r -> create(r, ALICE, json("{'additional_creators': 'nonsense'}"))),

                // Rules on the auth state as a whole
                reject("1-12", "no create event in the auth state", "no m.room.create",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}"))
                        .given(r -> r.remove("m.room.create", "")),
                reject("12", "v12: room_id is not the create event's", "is not that of the create event",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}", pdu -> pdu.put("room_id", "!other"))),
                reject("1-12", "m.federate false: sender on another server", "not federated",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}"))
                        .in(v -> TestRoom.standard(v, TestRoom.standardCreateContent(v).put("m.federate", false))),
                allow("1-12", "m.federate false: sender on the creator's server",
                        r -> r.event("m.room.message", null, BOB, "{'body': 'hi'}"))
                        .in(v -> TestRoom.standard(v, TestRoom.standardCreateContent(v).put("m.federate", false))),
                allow("1-12", "m.federate true: sender on another server",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}"))
                        .in(v -> TestRoom.standard(v, TestRoom.standardCreateContent(v).put("m.federate", true))),

                // Rule: m.room.aliases (v1-v5 only)
                allow("1-5", "aliases: a server sets its own aliases without a joined user",
                        r -> r.event("m.room.aliases", "c.example", FRANK, "{'aliases': ['#x:c.example']}")),
                reject("1-5", "aliases: state_key is another server", "not the sender's server",
                        r -> r.event("m.room.aliases", "a.example", FRANK, "{'aliases': ['#x:a.example']}")),
                reject("1-5", "aliases: no state_key", "without a state_key",
                        r -> r.event("m.room.aliases", null, ALICE, "{'aliases': []}")),
                reject("6-12", "aliases: ordinary state event from v6, sender not joined", "is not joined",
                        r -> r.event("m.room.aliases", "c.example", FRANK, "{'aliases': ['#x:c.example']}")),
                reject("6-12", "aliases: ordinary state event from v6, needs state_default", "requires power level 50",
                        r -> r.event("m.room.aliases", "b.example", CAROL, "{'aliases': ['#x:b.example']}")),

                // Rule: m.room.member, common clauses
                reject("1-12", "member: no state_key", "without a state_key",
                        r -> r.event("m.room.member", null, FRANK, "{'membership': 'join'}")),
                reject("1-12", "member: no membership", "without content.membership",
                        r -> member(r, FRANK, FRANK, "{'displayname': 'Frank'}")),
                reject("1-12", "member: unknown membership", "unknown membership \"dance\"",
                        r -> member(r, FRANK, FRANK, "{'membership': 'dance'}")),
                reject("1-6", "member: knock is an unknown membership before v7", "unknown membership \"knock\"",
                        r -> member(r, FRANK, FRANK, "{'membership': 'knock'}")).given(r -> r.joinRule("knock")),
                reject("8-12", "member: join_authorised_via_users_server needs that server's signature", "not signed",
                        r -> restrictedJoin(r, FRANK, BOB, "c.example")),
                reject("8-12", "member: the signature rule applies to any membership", "not signed",
                        r -> r.event("m.room.member", CAROL, CAROL,
                                "{'membership': 'leave', 'join_authorised_via_users_server': '" + BOB + "'}")),
                allow("1-7", "member: join_authorised_via_users_server means nothing before v8",
                        r -> restrictedJoin(r, FRANK, BOB)),

                // join: the creator's first join
                allow("1-12", "join: creator's join right after the create event",
                        r -> r.event("m.room.member", ALICE, ALICE, "{'membership': 'join'}", r.afterCreate()))
                        .in(TestRoom::created),
                reject("1-12", "join: another user's join right after the create event", "is not invited",
                        r -> r.event("m.room.member", BOB, BOB, "{'membership': 'join'}", r.afterCreate()))
                        .in(TestRoom::created),
                allow("1-10", "join: content.creator is the creator before v11",
                        r -> r.event("m.room.member", BOB, BOB, "{'membership': 'join'}", r.afterCreate()))
                        .in(v -> TestRoom.created(v, json("{'creator': '" + BOB + "'}"))),
                reject("11-12", "join: content.creator means nothing from v11", "is not invited",
                        r -> r.event("m.room.member", BOB, BOB, "{'membership': 'join'}", r.afterCreate()))
                        .in(v -> TestRoom.created(v, json("{'creator': '" + BOB + "'}"))),
                allow("11-12", "join: the create event's sender is the creator from v11",
                        r -> r.event("m.room.member", ALICE, ALICE, "{'membership': 'join'}", r.afterCreate()))
                        .in(v -> TestRoom.created(v, json("{'creator': '" + BOB + "'}"))),
                reject("12", "join: additional creators get no first join", "is not invited",
                        r -> r.event("m.room.member", ZED, ZED, "{'membership': 'join'}", r.afterCreate()))
                        .in(v -> TestRoom.created(v, json(V12_WITH_ZED))),
                reject("1-12", "join: the creator's join with other prev events goes through the join rules",
                        "is not invited", r -> member(r, ALICE, ALICE, "{'membership': 'join'}"))
                        .in(TestRoom::created),

                // join: the ordinary clauses
                reject("1-12", "join: sender joins for someone else", "cannot join for",
                        r -> member(r, BOB, FRANK, "{'membership': 'join'}")),
                reject("1-12", "join: banned user", "is banned", r -> member(r, EVE, EVE, "{'membership': 'join'}")),
                allow("1-12", "join: public room", r -> member(r, FRANK, FRANK, "{'membership': 'join'}")),
                allow("1-12", "join: public room after leaving", r -> member(r, GINA, GINA, "{'membership': 'join'}")),
                allow("1-12", "join: invite-only room, invited", r -> member(r, DAVE, DAVE, "{'membership': 'join'}"))
                        .given(r -> r.joinRule("invite")),
                reject("1-12", "join: invite-only room, not invited", "is not invited",
                        r -> member(r, FRANK, FRANK, "{'membership': 'join'}")).given(r -> r.joinRule("invite")),
                allow("1-12", "join: invite-only room, already joined (profile change)",
                        r -> member(r, CAROL, CAROL, "{'membership': 'join', 'displayname': 'C'}"))
                        .given(r -> r.joinRule("invite")),
                allow("1-12", "join: no join rules event counts as invite-only, invited",
                        r -> member(r, DAVE, DAVE, "{'membership': 'join'}")).given(r -> r.remove("m.room.join_rules", "")),
                reject("1-12", "join: no join rules event counts as invite-only, not invited", "is not invited",
                        r -> member(r, FRANK, FRANK, "{'membership': 'join'}")).given(r -> r.remove("m.room.join_rules", "")),
                reject("1-12", "join: unknown join rule", "does not allow joining",
                        r -> member(r, DAVE, DAVE, "{'membership': 'join'}")).given(r -> r.joinRule("private")),
                allow("7-12", "join: knock room, invited", r -> member(r, DAVE, DAVE, "{'membership': 'join'}"))
                        .given(r -> r.joinRule("knock")),
                reject("7-12", "join: knock room, only knocked", "is not invited",
                        r -> member(r, KIM, KIM, "{'membership': 'join'}")).given(r -> r.joinRule("knock")),
                reject("1-6", "join: knock join rule unknown before v7", "does not allow joining",
                        r -> member(r, DAVE, DAVE, "{'membership': 'join'}")).given(r -> r.joinRule("knock")),

                // join: restricted rooms
                allow("8-12", "join: restricted room, invited", r -> member(r, DAVE, DAVE, "{'membership': 'join'}"))
                        .given(r -> restricted(r, "restricted")),
                reject("1-7", "join: restricted join rule unknown before v8", "does not allow joining",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "restricted")),
                reject("8-12", "join: restricted room, no authorising user", "no join_authorised_via_users_server",
                        r -> member(r, FRANK, FRANK, "{'membership': 'join'}")).given(r -> restricted(r, "restricted")),
                allow("8-12", "join: restricted room, authorised by a joined user who can invite",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "restricted")),
                reject("8-12", "join: restricted room, authorising user not joined", "is not joined",
                        r -> restrictedJoin(r, FRANK, GINA, "c.example")).given(r -> restricted(r, "restricted")),
                reject("8-12", "join: restricted room, authorising user cannot invite", "may not invite",
                        r -> restrictedJoin(r, FRANK, CAROL, "b.example"))
                        .given(r -> restricted(r, "restricted").powerLevels("{'invite': 50, 'users': {'" + BOB + "': 50}}")),
                reject("8-12", "join: restricted room, vouching locally, joiner not in an allowed room",
                        "meets none of the restricted room's allow conditions",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "restricted"))
                        .vouching(IN_NO_ROOM),
                allow("8-12", "join: restricted room, vouching locally, joiner in an allowed room",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "restricted"))
                        .vouching(IN_ALLOWED_ROOM),
                reject("8-12", "join: restricted room, vouching locally, no usable allow condition",
                        "meets none of the restricted room's allow conditions",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example"))
                        .given(r -> r.joinRules("{'join_rule': 'restricted', 'allow': [{'type': 'm.other', 'room_id': '!allowed:a.example'}]}"))
                        .vouching(IN_ALLOWED_ROOM),
                allow("10-12", "join: knock_restricted room, authorised join",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "knock_restricted")),
                reject("8-9", "join: knock_restricted join rule unknown before v10", "does not allow joining",
                        r -> restrictedJoin(r, FRANK, BOB, "a.example")).given(r -> restricted(r, "knock_restricted")),
                allow("10-12", "join: knock_restricted room, invited",
                        r -> member(r, DAVE, DAVE, "{'membership': 'join'}")).given(r -> restricted(r, "knock_restricted")),

                // invite
                allow("1-12", "invite: joined user at the invite level", r -> member(r, CAROL, FRANK, "{'membership': 'invite'}")),
                reject("1-12", "invite: sender not joined", "sender @dave:b.example is not joined",
                        r -> member(r, DAVE, FRANK, "{'membership': 'invite'}")),
                reject("1-12", "invite: target already joined", "already join",
                        r -> member(r, BOB, CAROL, "{'membership': 'invite'}")),
                reject("1-12", "invite: target banned", "already ban", r -> member(r, BOB, EVE, "{'membership': 'invite'}")),
                reject("1-12", "invite: sender below the invite level", "below the invite level 50",
                        r -> member(r, CAROL, FRANK, "{'membership': 'invite'}"))
                        .given(r -> r.powerLevels("{'invite': 50, 'users': {'" + BOB + "': 50}}")),
                allow("1-12", "invite: invited user again", r -> member(r, BOB, DAVE, "{'membership': 'invite'}")),
                allow("1-12", "invite: user who left", r -> member(r, BOB, GINA, "{'membership': 'invite'}")),
                allow("7-12", "invite: accepting a knock", r -> member(r, BOB, KIM, "{'membership': 'invite'}")),

                // invite with a third-party invite
                allow("1-12", "3pid invite: signed with the public_key",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(FRANK, "tok", "sig:K1")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                allow("1-12", "3pid invite: signed with a key from public_keys",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(FRANK, "tok", "sig:K2")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                allow("1-12", "3pid invite: the sender need not still be joined",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(FRANK, "tok", "sig:K1")))
                        .given(r -> withThirdPartyInvite(r).member(CAROL, "leave")),
                reject("1-12", "3pid invite: target banned", "target @eve:c.example is banned",
                        r -> member(r, CAROL, EVE, thirdPartyInvite(EVE, "tok", "sig:K1")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: no signed object", "no \"signed\" object",
                        r -> member(r, CAROL, FRANK, "{'membership': 'invite', 'third_party_invite': {'display_name': 'x'}}"))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: signed lacks the token", "lacks mxid or token",
                        r -> member(r, CAROL, FRANK, "{'membership': 'invite', 'third_party_invite': {'signed': {'mxid': '"
                                + FRANK + "'}}}"))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: signed mxid is not the target", "is not the target",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(GINA, "tok", "sig:K1")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: no m.room.third_party_invite for the token", "no m.room.third_party_invite",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(FRANK, "other", "sig:K1")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: sent by someone else than the third-party invite", "did not send",
                        r -> member(r, BOB, FRANK, thirdPartyInvite(FRANK, "tok", "sig:K1")))
                        .given(AuthRulesTest::withThirdPartyInvite),
                reject("1-12", "3pid invite: signature matches no public key", "no signature matches",
                        r -> member(r, CAROL, FRANK, thirdPartyInvite(FRANK, "tok", "sig:K9")))
                        .given(AuthRulesTest::withThirdPartyInvite),

                // leave
                allow("1-12", "leave: joined user leaves", r -> member(r, CAROL, CAROL, "{'membership': 'leave'}")),
                allow("1-12", "leave: invited user rejects the invite", r -> member(r, DAVE, DAVE, "{'membership': 'leave'}")),
                allow("7-12", "leave: knocking user retracts the knock", r -> member(r, KIM, KIM, "{'membership': 'leave'}")),
                reject("1-12", "leave: user who already left", "cannot leave from membership \"leave\"",
                        r -> member(r, GINA, GINA, "{'membership': 'leave'}")),
                reject("1-12", "leave: banned user cannot unban themselves", "cannot leave from membership \"ban\"",
                        r -> member(r, EVE, EVE, "{'membership': 'leave'}")),
                reject("1-12", "leave: never a member", "cannot leave from membership \"leave\"",
                        r -> member(r, FRANK, FRANK, "{'membership': 'leave'}")),
                reject("1-12", "kick: sender not joined", "kick: sender @dave:b.example is not joined",
                        r -> member(r, DAVE, CAROL, "{'membership': 'leave'}")),
                allow("1-12", "kick: moderator kicks a user", r -> member(r, BOB, CAROL, "{'membership': 'leave'}")),
                allow("1-12", "kick: moderator revokes an invite", r -> member(r, BOB, DAVE, "{'membership': 'leave'}")),
                allow("7-12", "kick: moderator refuses a knock", r -> member(r, BOB, KIM, "{'membership': 'leave'}")),
                reject("1-12", "kick: sender below the kick level", "below the kick level 50",
                        r -> member(r, CAROL, FRANK, "{'membership': 'leave'}")),
                reject("1-12", "kick: target at the sender's level", "at or above the sender's",
                        r -> member(r, BOB, CAROL, "{'membership': 'leave'}"))
                        .given(r -> r.powerLevels(r.version.roomIdFromCreateEvent()
                                ? "{'users': {'" + BOB + "': 50, '" + CAROL + "': 50}}"
                                : "{'users': {'" + ALICE + "': 100, '" + BOB + "': 50, '" + CAROL + "': 50}}")),
                reject("1-12", "kick: target above the sender (the creator)", "at or above the sender's",
                        r -> member(r, BOB, ALICE, "{'membership': 'leave'}")),
                allow("1-12", "unban: with the kick and ban levels", r -> member(r, ALICE, EVE, "{'membership': 'leave'}")),
                reject("1-12", "unban: kick level without the ban level", "unban: sender's power level 50 is below the ban level 75",
                        r -> member(r, BOB, EVE, "{'membership': 'leave'}"))
                        .given(r -> r.powerLevels("{'kick': 0, 'ban': 75, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "unban: ban level without the kick level", "below the kick level 75",
                        r -> member(r, BOB, EVE, "{'membership': 'leave'}"))
                        .given(r -> r.powerLevels("{'kick': 75, 'ban': 0, 'users': {'" + BOB + "': 50}}")),

                // ban
                allow("1-12", "ban: moderator bans a user", r -> member(r, BOB, CAROL, "{'membership': 'ban'}")),
                allow("1-12", "ban: moderator bans a non-member", r -> member(r, BOB, FRANK, "{'membership': 'ban'}")),
                reject("1-12", "ban: sender not joined", "ban: sender @gina:c.example is not joined",
                        r -> member(r, GINA, CAROL, "{'membership': 'ban'}")),
                reject("1-12", "ban: sender below the ban level", "below the ban level 50",
                        r -> member(r, CAROL, FRANK, "{'membership': 'ban'}")),
                reject("1-12", "ban: target above the sender", "at or above the sender's",
                        r -> member(r, BOB, ALICE, "{'membership': 'ban'}")),
                reject("1-11", "ban: two admins at 100 cannot ban each other", "at or above the sender's",
                        r -> member(r, ALICE, BOB, "{'membership': 'ban'}"))
                        .given(r -> r.powerLevels("{'users': {'" + ALICE + "': 100, '" + BOB + "': 100}}")),
                allow("12", "ban: a v12 creator outranks a level-100 admin",
                        r -> member(r, ALICE, BOB, "{'membership': 'ban'}"))
                        .given(r -> r.powerLevels("{'users': {'" + BOB + "': 100}}")),
                reject("12", "ban: v12 creators cannot ban each other", "at or above the sender's",
                        r -> member(r, ALICE, ZED, "{'membership': 'ban'}"))
                        .in(v -> TestRoom.standard(v, json(V12_WITH_ZED))).given(r -> r.member(ZED, "join")),
                allow("12", "ban: an additional creator has infinite power too",
                        r -> member(r, ZED, BOB, "{'membership': 'ban'}"))
                        .in(v -> TestRoom.standard(v, json(V12_WITH_ZED))).given(r -> r.member(ZED, "join")),

                // knock
                allow("7-12", "knock: unrelated user in a knock room", r -> member(r, FRANK, FRANK, "{'membership': 'knock'}"))
                        .given(r -> r.joinRule("knock")),
                allow("7-12", "knock: user who left", r -> member(r, GINA, GINA, "{'membership': 'knock'}"))
                        .given(r -> r.joinRule("knock")),
                reject("7-12", "knock: public room", "does not allow knocking",
                        r -> member(r, FRANK, FRANK, "{'membership': 'knock'}")),
                allow("10-12", "knock: knock_restricted room", r -> member(r, FRANK, FRANK, "{'membership': 'knock'}"))
                        .given(r -> restricted(r, "knock_restricted")),
                reject("7-9", "knock: knock_restricted join rule unknown before v10", "does not allow knocking",
                        r -> member(r, FRANK, FRANK, "{'membership': 'knock'}")).given(r -> restricted(r, "knock_restricted")),
                reject("8-12", "knock: restricted room", "does not allow knocking",
                        r -> member(r, FRANK, FRANK, "{'membership': 'knock'}")).given(r -> restricted(r, "restricted")),
                reject("7-12", "knock: for another user", "cannot knock for another user",
                        r -> member(r, BOB, FRANK, "{'membership': 'knock'}")).given(r -> r.joinRule("knock")),
                reject("7-12", "knock: banned user", "is already ban",
                        r -> member(r, EVE, EVE, "{'membership': 'knock'}")).given(r -> r.joinRule("knock")),
                reject("7-12", "knock: joined user", "is already join",
                        r -> member(r, CAROL, CAROL, "{'membership': 'knock'}")).given(r -> r.joinRule("knock")),
                reject("7-12", "knock: invited user", "is already invite",
                        r -> member(r, DAVE, DAVE, "{'membership': 'knock'}")).given(r -> r.joinRule("knock")),

                // Rule: the sender must be joined (every other event type)
                allow("1-12", "message: joined user", r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}")),
                reject("1-12", "message: invited user", "is not joined",
                        r -> r.event("m.room.message", null, DAVE, "{'body': 'hi'}")),
                reject("7-12", "message: knocking user", "is not joined",
                        r -> r.event("m.room.message", null, KIM, "{'body': 'hi'}")),
                reject("1-12", "message: user who left", "is not joined",
                        r -> r.event("m.room.message", null, GINA, "{'body': 'hi'}")),

                // Rule: m.room.third_party_invite
                allow("1-12", "third_party_invite: at the invite level",
                        r -> r.event("m.room.third_party_invite", "tok", CAROL, THIRD_PARTY_INVITE_STATE)),
                allow("1-12", "third_party_invite: the invite level, not the events level, applies",
                        r -> r.event("m.room.third_party_invite", "tok", CAROL, THIRD_PARTY_INVITE_STATE))
                        .given(r -> r.powerLevels("{'events': {'m.room.third_party_invite': 100}}")),
                reject("1-12", "third_party_invite: below the invite level", "below the invite level 50",
                        r -> r.event("m.room.third_party_invite", "tok", CAROL, THIRD_PARTY_INVITE_STATE))
                        .given(r -> r.powerLevels("{'invite': 50}")),
                reject("1-12", "third_party_invite: sender not joined", "is not joined",
                        r -> r.event("m.room.third_party_invite", "tok", DAVE, THIRD_PARTY_INVITE_STATE)),

                // Rule: the required power level
                reject("1-12", "message: below events_default", "requires power level 10",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}"))
                        .given(r -> r.powerLevels("{'events_default': 10}")),
                reject("1-12", "message: events entry above the sender", "m.room.message requires power level 60",
                        r -> r.event("m.room.message", null, BOB, "{'body': 'hi'}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.message': 60}, 'users': {'" + BOB + "': 50}}")),
                allow("1-12", "state: at state_default", r -> r.event("m.room.name", "", BOB, "{'name': 'n'}")),
                reject("1-12", "state: below state_default", "m.room.name requires power level 50",
                        r -> r.event("m.room.name", "", CAROL, "{'name': 'n'}")),
                allow("1-12", "state: events entry below state_default", r -> r.event("m.room.topic", "", CAROL, "{'topic': 't'}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.topic': 0}}")),
                reject("1-12", "state: no power levels event, non-creator", "requires power level 50",
                        r -> r.event("m.room.name", "", BOB, "{'name': 'n'}")).given(r -> r.remove("m.room.power_levels", "")),
                allow("1-12", "state: no power levels event, creator", r -> r.event("m.room.name", "", ALICE, "{'name': 'n'}"))
                        .given(r -> r.remove("m.room.power_levels", "")),
                allow("1-12", "message: no power levels event, anyone joined",
                        r -> r.event("m.room.message", null, CAROL, "{'body': 'hi'}")).given(r -> r.remove("m.room.power_levels", "")),
                allow("12", "state: a v12 creator meets any required level",
                        r -> r.event("m.room.tombstone", "", ALICE, "{'body': 'gone'}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.tombstone': 9007199254740991}}")),
                reject("1-11", "state: before v12 the creator is bound by the power levels", "requires power level 150",
                        r -> r.event("m.room.tombstone", "", ALICE, "{'body': 'gone'}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.tombstone': 150}, 'users': {'" + ALICE + "': 100}}")),

                // Rule: state keys that are user IDs
                reject("1-12", "state: state_key is another user's ID", "is another user's ID",
                        r -> r.event("org.example.status", "@carol:b.example", BOB, "{}")),
                allow("1-12", "state: state_key is the sender's own ID",
                        r -> r.event("org.example.status", "@carol:b.example", CAROL, "{}"))
                        .given(r -> r.powerLevels("{'events': {'org.example.status': 0}}")),
                allow("1-12", "state: state_key containing but not starting with @",
                        r -> r.event("org.example.status", "x@carol:b.example", BOB, "{}")),

                // Rule: m.room.redaction
                allow("1-12", "redaction: at the redact level",
                        r -> r.event("m.room.redaction", null, BOB, "{}", pdu -> pdu.put("redacts", "$x:b.example"))),
                allow("1-2", "redaction v1: below the redact level, redacting an event from the same server",
                        r -> r.event("m.room.redaction", null, CAROL, "{}", pdu -> pdu.put("redacts", "$x:b.example"))),
                reject("1-2", "redaction v1: below the redact level, redacting an event from another server",
                        "is below the redact level 50",
                        r -> r.event("m.room.redaction", null, CAROL, "{}", pdu -> pdu.put("redacts", "$x:a.example"))),
                allow("3-12", "redaction: no redact level in the auth rules from v3",
                        r -> r.event("m.room.redaction", null, CAROL, "{}", pdu -> pdu.put("redacts", "$x:a.example"))),
                reject("1-12", "redaction: the events level for m.room.redaction still applies", "m.room.redaction requires power level 50",
                        r -> r.event("m.room.redaction", null, CAROL, "{}", pdu -> pdu.put("redacts", "$x:b.example")))
                        .given(r -> r.powerLevels("{'events': {'m.room.redaction': 50}}")),

                // Rule: m.room.power_levels, content validity
                allow("1-9", "power levels: numeric string user level accepted before v10",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': '50'}}")),
                reject("10-12", "power levels: numeric string user level rejected from v10", "is not an integer",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': '50'}}")),
                allow("1-9", "power levels: numeric string ban level accepted before v10",
                        r -> powerLevels(r, ALICE, "{'ban': ' +50 ', 'users': {'" + BOB + "': 50}}")),
                reject("10-12", "power levels: numeric string ban level rejected from v10", "\"ban\" is not an integer",
                        r -> powerLevels(r, ALICE, "{'ban': '50', 'users': {'" + BOB + "': 50}}")),
                allow("1-9", "power levels: numeric string events level accepted before v10",
                        r -> powerLevels(r, ALICE, "{'events': {'m.room.name': '50'}, 'users': {'" + BOB + "': 50}}")),
                reject("10-12", "power levels: numeric string events level rejected from v10", "\"events\".m.room.name is not an integer",
                        r -> powerLevels(r, ALICE, "{'events': {'m.room.name': '50'}, 'users': {'" + BOB + "': 50}}")),
                reject("10-12", "power levels: notifications level must be an integer from v10", "\"notifications\".room is not an integer",
                        r -> powerLevels(r, ALICE, "{'notifications': {'room': true}, 'users': {'" + BOB + "': 50}}")),
                allow("1-5", "power levels: float user level accepted without canonical JSON",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': 50.7}}")),
                reject("6-12", "power levels: float user level rejected with canonical JSON", "is not an integer",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': 50.7}}")),
                allow("1-5", "power levels: integer beyond 2^53 accepted without canonical JSON",
                        r -> powerLevels(r, ALICE, "{'events': {'m.room.name': -9007199254740993}, 'users': {'" + BOB + "': 50}}")),
                reject("6-12", "power levels: integer beyond 2^53 rejected with canonical JSON", "m.room.name is not an integer",
                        r -> powerLevels(r, ALICE, "{'events': {'m.room.name': -9007199254740993}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: users key not a user ID", "invalid user ID: bob",
                        r -> powerLevels(r, ALICE, "{'users': {'bob': 50}}")),
                reject("1-12", "power levels: users not an object", "\"users\" is not an object",
                        r -> powerLevels(r, ALICE, "{'users': [50]}")),
                reject("1-12", "power levels: events not an object", "\"events\" is not an object",
                        r -> powerLevels(r, ALICE, "{'events': 50, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: a non-numeric string is no level in any version", "\"kick\" is not an integer",
                        r -> powerLevels(r, ALICE, "{'kick': 'lots', 'users': {'" + BOB + "': 50}}")),
                reject("12", "power levels: the creator may not be listed in users", "creator @alice:a.example may not be listed",
                        r -> powerLevels(r, ALICE, "{'users': {'" + ALICE + "': 100, '" + BOB + "': 50}}")),
                reject("12", "power levels: an additional creator may not be listed in users", "creator @zed:a.example may not be listed",
                        r -> powerLevels(r, ALICE, "{'users': {'" + ZED + "': 100}}"))
                        .in(v -> TestRoom.standard(v, json(V12_WITH_ZED))),

                // Rule: m.room.power_levels, changes
                allow("1-12", "power levels: the first one may grant any level",
                        r -> powerLevels(r, ALICE, "{'users': {'" + CAROL + "': 1000}, 'ban': 1000}"))
                        .given(r -> r.remove("m.room.power_levels", "")),
                reject("1-12", "power levels: the first one still needs the state level", "requires power level 50",
                        r -> powerLevels(r, CAROL, "{'users': {'" + CAROL + "': 100}}"))
                        .given(r -> r.remove("m.room.power_levels", "")),
                allow("1-12", "power levels: raise a user to the sender's own level",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 50, '" + CAROL + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: raise a user above the sender's level", "cannot give @carol:b.example level 51",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 50, '" + CAROL + "': 51}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: raise oneself", "cannot give @bob:a.example level 60",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 60}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("1-12", "power levels: demote oneself",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 10}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: change a user at the sender's level", "cannot change the level of @carol:b.example (50)",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 50, '" + CAROL + "': 0}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50, '" + CAROL + "': 50}}")),
                allow("1-12", "power levels: remove a user below the sender",
                        r -> powerLevels(r, BOB, "{'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50, '" + CAROL + "': 49}}")),
                reject("1-11", "power levels: remove a user above the sender", "cannot change the level of @alice:a.example (100)",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + ALICE + "': 100, '" + BOB + "': 50}}")),
                allow("1-12", "power levels: change a top-level level within the sender's",
                        r -> powerLevels(r, BOB, "{'kick': 40, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("1-12", "power levels: remove a top-level level equal to the sender's",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'redact': 50, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: set a top-level level above the sender's", "cannot set \"kick\" to 60",
                        r -> powerLevels(r, BOB, "{'kick': 60, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: change a top-level level that is above the sender's", "cannot change \"ban\" from 75",
                        r -> powerLevels(r, BOB, "{'ban': 50, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'ban': 75, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: remove a top-level level that is above the sender's", "cannot change \"users_default\" from 60",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'users_default': 60, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("1-9", "power levels: \"75\" rewritten as 75 is not a change",
                        r -> powerLevels(r, BOB, "{'ban': 75, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'ban': '75', 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("1-12", "power levels: add an events entry within the sender's level",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50, 'm.room.topic': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: add an events entry above the sender's level", "cannot set events.m.room.topic to 51",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50, 'm.room.topic': 51}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("1-12", "power levels: change an events entry above the sender's level", "cannot change events.m.room.tombstone from 100",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50, 'm.room.tombstone': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50, 'm.room.tombstone': 100}, 'users': {'" + BOB + "': 50}}")),
                allow("1-5", "power levels: notifications unchecked before v6",
                        r -> powerLevels(r, BOB, "{'notifications': {'room': 100}, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("6-12", "power levels: notifications raised above the sender from v6", "cannot set notifications.room to 100",
                        r -> powerLevels(r, BOB, "{'notifications': {'room': 100}, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("1-5", "power levels: notifications above the sender changeable before v6",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'notifications': {'room': 100}, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                reject("6-12", "power levels: notifications above the sender unchangeable from v6", "cannot change notifications.room from 100",
                        r -> powerLevels(r, BOB, "{'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}"))
                        .given(r -> r.powerLevels("{'notifications': {'room': 100}, 'events': {'m.room.power_levels': 50}, 'users': {'" + BOB + "': 50}}")),
                allow("12", "power levels: a v12 creator may set any level",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': 9007199254740991}, 'ban': 9007199254740991}")),
                allow("12", "power levels: a v12 creator with no power levels event",
                        r -> powerLevels(r, ALICE, "{'users': {'" + BOB + "': 100}}")).given(r -> r.remove("m.room.power_levels", "")),
                reject("1-12", "power levels: sender not joined", "is not joined",
                        r -> powerLevels(r, GINA, "{}"))
        );
    }

    static Stream<Arguments> rows() {
        return cases().stream().flatMap(c -> TestRoom.versions(c.versions()).stream()
                .map(v -> Arguments.of(Named.of("v" + v.id() + " " + c.name(), c), v)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void rule(Case c, RoomVersion version) {
        TestRoom room = c.setup().apply(c.base().apply(version));
        Event event = c.event().apply(room);
        if (c.failure() == null) {
            assertDoesNotThrow(() -> RULES.check(event, version, room.state, c.joined()));
        } else {
            AuthFailure failure = assertThrows(AuthFailure.class, () -> RULES.check(event, version, room.state, c.joined()));
            assertTrue(failure.getMessage().contains(c.failure()),
                    () -> "expected failure containing \"" + c.failure() + "\" but got \"" + failure.getMessage() + "\"");
        }
    }
}
