package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.TestServer;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.V3;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.enc;
import static org.myelin.it.rooms.RoomFx.err;
import static org.myelin.it.rooms.RoomFx.forbidden;
import static org.myelin.it.rooms.RoomFx.invite;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.joinedRooms;
import static org.myelin.it.rooms.RoomFx.leave;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.membership;
import static org.myelin.it.rooms.RoomFx.notFound;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.publicRoom;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.stateEvent;
import static org.myelin.it.rooms.RoomFx.user;

/** Joining, inviting, leaving, forgetting, kicking, banning, knocking, restricted joins and /joined_rooms. */
class MembershipTest {

    private static Resp joinVia(U u, String idOrAlias) { return u.post(V3 + "/join/" + enc(idOrAlias), map()); }

    // ------------------------------------------------------------------ join

    @Test
    void joinByRoomIdBothEndpoints() {
        U a = user("mj-a");
        U b = user("mj-b");
        U c = user("mj-c");
        String room = publicRoom(a);
        JsonNode r = ok(joinVia(b, room));
        assertEquals(room, r.path("room_id").asText());
        JsonNode r2 = ok(c.post(room(room) + "/join", map("reason", "hi")));
        assertEquals(room, r2.path("room_id").asText());
        assertEquals("join", membership(a, room, b.id()));
        JsonNode ev = stateEvent(a, room, "m.room.member", c.id());
        assertEquals("hi", ev.path("content").path("reason").asText(), ev::toString);
        assertEquals(c.id(), ev.path("sender").asText());
    }

    @Test
    void joinByAliasIgnoresViaForLocalRooms() {
        U a = user("mja-a");
        U b = user("mja-b");
        String local = Client.unique("joinalias");
        String alias = "#" + local + ":" + TestServer.SERVER_NAME;
        String room = createRoom(a, map("preset", "public_chat", "room_alias_name", local));
        JsonNode r = ok(b.post(V3 + "/join/" + enc(alias) + "?server_name=elsewhere.example&via=other.example", map()));
        assertEquals(room, r.path("room_id").asText());
        assertEquals("join", membership(a, room, b.id()));
    }

    @Test
    void joinUnknownAliasOrRoom() {
        U b = user("mju");
        notFound(joinVia(b, "#nope-" + System.nanoTime() + ":" + TestServer.SERVER_NAME));
        notFound(joinVia(b, "!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME));
        notFound(b.post(room("!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME) + "/join", map()));
    }

    @Test
    void joinWithMalformedIdOrAlias() {
        U b = user("mjm");
        err(joinVia(b, "not-a-room"), 400, "M_INVALID_PARAM");
    }

    @Test
    void joiningTwiceIsIdempotent() {
        U a = user("mj2-a");
        U b = user("mj2-b");
        String room = publicRoom(a);
        join(b, room);
        String first = stateEvent(a, room, "m.room.member", b.id()).path("event_id").asText();
        join(b, room);
        assertEquals(first, stateEvent(a, room, "m.room.member", b.id()).path("event_id").asText());
    }

    @Test
    void joiningInviteOnlyRoomWithoutInviteIsForbidden() {
        U a = user("mji-a");
        U b = user("mji-b");
        String room = createRoom(a, map("preset", "private_chat"));
        forbidden(joinVia(b, room));
        forbidden(b.post(room(room) + "/join", map()));
        invite(a, room, b);
        join(b, room);
        assertTrue(joinedRooms(b).contains(room));
    }

    // ------------------------------------------------------------------ invite

    @Test
    void inviteWithReason() {
        U a = user("mi-a");
        U b = user("mi-b");
        String room = createRoom(a);
        ok(a.post(room(room) + "/invite", map("user_id", b.id(), "reason", "join us")));
        JsonNode ev = stateEvent(a, room, "m.room.member", b.id());
        assertEquals("invite", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals("join us", ev.path("content").path("reason").asText(), ev::toString);
        assertEquals(a.id(), ev.path("sender").asText());
        // The invitee may read the invite event itself but is not joined.
        assertFalse(joinedRooms(b).contains(room));
    }

    @Test
    void inviteErrors() {
        U a = user("mie-a");
        U b = user("mie-b");
        U c = user("mie-c");
        String room = createRoom(a);
        notFound(a.post(room(room) + "/invite", map("user_id", "@ghost-" + System.nanoTime() + ":" + TestServer.SERVER_NAME)));
        err(a.post(room(room) + "/invite", map("user_id", "not a user")), 400, "M_INVALID_PARAM");
        err(a.post(room(room) + "/invite", map()), 400, "M_MISSING_PARAM");
        err(a.post(room(room) + "/invite", map("user_id", 5)), 400, "M_BAD_JSON");
        // Already joined.
        invite(a, room, b);
        join(b, room);
        forbidden(a.post(room(room) + "/invite", map("user_id", b.id())));
        // Inviting yourself while joined.
        forbidden(a.post(room(room) + "/invite", map("user_id", a.id())));
        // A non-member may not invite.
        forbidden(c.post(room(room) + "/invite", map("user_id", b.id())));
        // Unknown room.
        notFound(a.post(room("!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME) + "/invite", map("user_id", b.id())));
    }

    @Test
    void invitingABannedUserIsForbidden() {
        U a = user("mib-a");
        U b = user("mib-b");
        String room = publicRoom(a);
        ok(a.post(room(room) + "/ban", map("user_id", b.id())));
        forbidden(a.post(room(room) + "/invite", map("user_id", b.id())));
    }

    @Test
    void rejectingAnInvite() {
        U a = user("mir-a");
        U b = user("mir-b");
        String room = createRoom(a);
        invite(a, room, b);
        leave(b, room);
        assertEquals("leave", membership(a, room, b.id()));
        forbidden(joinVia(b, room));
    }

    // ------------------------------------------------------------------ leave and forget

    @Test
    void leaveAndJoinedRooms() {
        U a = user("ml-a");
        U b = user("ml-b");
        String r1 = publicRoom(a);
        String r2 = publicRoom(a);
        join(b, r1);
        join(b, r2);
        assertTrue(joinedRooms(b).containsAll(List.of(r1, r2)));
        ok(b.post(room(r1) + "/leave", map("reason", "bye")));
        JsonNode ev = stateEvent(a, r1, "m.room.member", b.id());
        assertEquals("leave", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals("bye", ev.path("content").path("reason").asText(), ev::toString);
        List<String> joined = joinedRooms(b);
        assertFalse(joined.contains(r1), joined::toString);
        assertTrue(joined.contains(r2), joined::toString);
        assertTrue(joinedRooms(a).containsAll(List.of(r1, r2)));
        // Leaving again: not in the room.
        forbidden(b.post(room(r1) + "/leave", map()));
    }

    @Test
    void joinedRoomsOfNewUserIsEmpty() {
        U b = user("mjr");
        JsonNode r = ok(b.get(V3 + "/joined_rooms"));
        assertTrue(r.path("joined_rooms").isArray() && r.path("joined_rooms").isEmpty(), r::toString);
    }

    @Test
    void forget() {
        U a = user("mf-a");
        U b = user("mf-b");
        String room = publicRoom(a);
        join(b, room);
        err(b.post(room(room) + "/forget", map()), 400, "M_UNKNOWN");
        leave(b, room);
        ok(b.post(room(room) + "/forget", map()));
        // Forgetting twice is harmless.
        ok(b.post(room(room) + "/forget", map()));
        // A forgotten room can be re-joined.
        join(b, room);
        assertTrue(joinedRooms(b).contains(room));
    }

    @Test
    void forgottenRoomHistoryIsNoLongerReadable() {
        U a = user("mfh-a");
        U b = user("mfh-b");
        String room = publicRoom(a);
        join(b, room);
        String msg = RoomFx.send(a, room, "seen before leaving");
        leave(b, room);
        // Left but not forgotten: the history up to leaving is readable.
        ok(b.get(RoomFx.event(room, msg)));
        ok(b.get(RoomFx.state(room, "m.room.join_rules", "")));
        ok(b.post(room(room) + "/forget", map()));
        notFound(b.get(RoomFx.event(room, msg)));
        forbidden(b.get(room(room) + "/state"));
        forbidden(b.get(RoomFx.state(room, "m.room.join_rules", "")));
        forbidden(b.get(room(room) + "/members"));
        // Joining again restores access.
        join(b, room);
        ok(b.get(RoomFx.event(room, msg)));
    }

    @Test
    void forgetWhileInvitedIsRefused() {
        U a = user("mfi-a");
        U b = user("mfi-b");
        String room = createRoom(a);
        invite(a, room, b);
        err(b.post(room(room) + "/forget", map()), 400, "M_UNKNOWN");
    }

    @Test
    void forgetUnknownRoom() {
        U b = user("mfu");
        notFound(b.post(room("!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME) + "/forget", map()));
    }

    // ------------------------------------------------------------------ kick

    @Test
    void kick() {
        U a = user("mk-a");
        U b = user("mk-b");
        U c = user("mk-c");
        String room = publicRoom(a);
        join(b, room);
        join(c, room);
        // Needs power.
        forbidden(b.post(room(room) + "/kick", map("user_id", c.id())));
        forbidden(b.post(room(room) + "/kick", map("user_id", a.id())));
        ok(a.post(room(room) + "/kick", map("user_id", c.id(), "reason", "spam")));
        JsonNode ev = stateEvent(a, room, "m.room.member", c.id());
        assertEquals("leave", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals("spam", ev.path("content").path("reason").asText(), ev::toString);
        assertEquals(a.id(), ev.path("sender").asText(), ev::toString);
        assertFalse(joinedRooms(c).contains(room));
        // A kicked user may come back into a public room.
        join(c, room);
    }

    @Test
    void kickingANonMemberIsForbidden() {
        U a = user("mkn-a");
        U b = user("mkn-b");
        String room = publicRoom(a);
        forbidden(a.post(room(room) + "/kick", map("user_id", b.id())));
        join(b, room);
        leave(b, room);
        forbidden(a.post(room(room) + "/kick", map("user_id", b.id())));
        err(a.post(room(room) + "/kick", map()), 400, "M_MISSING_PARAM");
    }

    @Test
    void kickingAnInviteeRevokesTheInvite() {
        U a = user("mkv-a");
        U b = user("mkv-b");
        String room = createRoom(a);
        invite(a, room, b);
        ok(a.post(room(room) + "/kick", map("user_id", b.id())));
        assertEquals("leave", membership(a, room, b.id()));
        forbidden(joinVia(b, room));
    }

    // ------------------------------------------------------------------ ban

    @Test
    void banAndUnban() {
        U a = user("mb-a");
        U b = user("mb-b");
        U c = user("mb-c");
        String room = publicRoom(a);
        join(b, room);
        join(c, room);
        forbidden(c.post(room(room) + "/ban", map("user_id", b.id())));
        ok(a.post(room(room) + "/ban", map("user_id", b.id(), "reason", "troll")));
        JsonNode ev = stateEvent(a, room, "m.room.member", b.id());
        assertEquals("ban", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals("troll", ev.path("content").path("reason").asText(), ev::toString);
        assertFalse(joinedRooms(b).contains(room));
        // Joining while banned.
        forbidden(joinVia(b, room));
        forbidden(b.post(room(room) + "/join", map()));
        // Unban needs power too.
        forbidden(c.post(room(room) + "/unban", map("user_id", b.id())));
        ok(a.post(room(room) + "/unban", map("user_id", b.id(), "reason", "forgiven")));
        JsonNode un = stateEvent(a, room, "m.room.member", b.id());
        assertEquals("leave", un.path("content").path("membership").asText(), un::toString);
        assertEquals("forgiven", un.path("content").path("reason").asText(), un::toString);
        join(b, room);
    }

    @Test
    void banANonMemberPreemptively() {
        U a = user("mbp-a");
        U b = user("mbp-b");
        String room = publicRoom(a);
        ok(a.post(room(room) + "/ban", map("user_id", b.id())));
        forbidden(joinVia(b, room));
        // Unbanning someone not banned.
        U c = user("mbp-c");
        forbidden(a.post(room(room) + "/unban", map("user_id", c.id())));
        err(a.post(room(room) + "/ban", map("user_id", "nobody")), 400, "M_INVALID_PARAM");
        err(a.post(room(room) + "/ban", map()), 400, "M_MISSING_PARAM");
    }

    @Test
    void cannotBanOrKickSomeoneWithEqualPower() {
        U a = user("mbe-a");
        U b = user("mbe-b");
        String room = createRoom(a, map("preset", "public_chat", "room_version", "11",
                "power_level_content_override", map("users", map(a.id(), 100, b.id(), 100))));
        join(b, room);
        forbidden(b.post(room(room) + "/ban", map("user_id", a.id())));
        forbidden(b.post(room(room) + "/kick", map("user_id", a.id())));
    }

    // ------------------------------------------------------------------ knock

    private static String knockRoom(U a, String version) {
        return createRoom(a, map("room_version", version, "initial_state",
                List.of(map("type", "m.room.join_rules", "content", map("join_rule", "knock")))));
    }

    @Test
    void knockThenInviteThenJoin() {
        U a = user("mkk-a");
        U b = user("mkk-b");
        String room = knockRoom(a, "12");
        forbidden(joinVia(b, room));
        JsonNode r = ok(b.post(V3 + "/knock/" + enc(room), map("reason", "let me in")));
        assertEquals(room, r.path("room_id").asText());
        JsonNode ev = stateEvent(a, room, "m.room.member", b.id());
        assertEquals("knock", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals("let me in", ev.path("content").path("reason").asText(), ev::toString);
        assertFalse(joinedRooms(b).contains(room));
        // Knocking again while knocking is allowed (it updates the knock).
        invite(a, room, b);
        join(b, room);
        assertTrue(joinedRooms(b).contains(room));
        // Already joined: knocking is refused.
        forbidden(b.post(V3 + "/knock/" + enc(room), map()));
    }

    @Test
    void knockByAlias() {
        U a = user("mka-a");
        U b = user("mka-b");
        String local = Client.unique("knock");
        String room = createRoom(a, map("room_version", "10", "room_alias_name", local, "initial_state",
                List.of(map("type", "m.room.join_rules", "content", map("join_rule", "knock")))));
        JsonNode r = ok(b.post(V3 + "/knock/" + enc("#" + local + ":" + TestServer.SERVER_NAME) + "?via=x.example", map()));
        assertEquals(room, r.path("room_id").asText());
        // Rescinding a knock: leave.
        leave(b, room);
        assertEquals("leave", membership(a, room, b.id()));
    }

    @Test
    void knockOnlyWithKnockJoinRule() {
        U a = user("mkr-a");
        U b = user("mkr-b");
        forbidden(b.post(V3 + "/knock/" + enc(createRoom(a, map("preset", "private_chat"))), map()));
        forbidden(b.post(V3 + "/knock/" + enc(publicRoom(a)), map()));
        notFound(b.post(V3 + "/knock/" + enc("!nope" + System.nanoTime() + ":" + TestServer.SERVER_NAME), map()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "6"})
    void knockNeedsRoomVersion7(String version) {
        U a = user("mk6-a");
        U b = user("mk6-b");
        // Before v7 "knock" is not a join rule the auth rules know, so nobody can knock.
        String room = knockRoom(a, version);
        forbidden(b.post(V3 + "/knock/" + enc(room), map()));
    }

    @Test
    void bannedUserCannotKnock() {
        U a = user("mkb-a");
        U b = user("mkb-b");
        String room = knockRoom(a, "11");
        ok(a.post(room(room) + "/ban", map("user_id", b.id())));
        forbidden(b.post(V3 + "/knock/" + enc(room), map()));
    }

    // ------------------------------------------------------------------ restricted joins

    private static Map<String, Object> restricted(String allowedRoom, String rule) {
        return map("type", "m.room.join_rules", "content", map("join_rule", rule,
                "allow", List.of(map("type", "m.room_membership", "room_id", allowedRoom))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "9", "10", "11", "12"})
    void restrictedJoin(String version) {
        U a = user("mrj-a");
        U member = user("mrj-m");
        U outsider = user("mrj-o");
        String space = publicRoom(a, version);
        join(member, space);
        String room = createRoom(a, map("room_version", version, "initial_state", List.of(restricted(space, "restricted"))));
        forbidden(joinVia(outsider, room));
        JsonNode r = ok(joinVia(member, room));
        assertEquals(room, r.path("room_id").asText());
        JsonNode ev = stateEvent(a, room, "m.room.member", member.id());
        assertEquals("join", ev.path("content").path("membership").asText(), ev::toString);
        assertEquals(a.id(), ev.path("content").path("join_authorised_via_users_server").asText(), ev::toString);
        // An invited user needs no authoriser.
        invite(a, room, outsider);
        join(outsider, room);
        JsonNode inv = stateEvent(a, room, "m.room.member", outsider.id());
        assertFalse(inv.path("content").has("join_authorised_via_users_server"), inv::toString);
    }

    @Test
    void restrictedJoinAfterLeavingTheAllowedRoom() {
        U a = user("mrl-a");
        U b = user("mrl-b");
        String space = publicRoom(a, "10");
        join(b, space);
        String room = createRoom(a, map("room_version", "10", "initial_state", List.of(restricted(space, "restricted"))));
        leave(b, space);
        forbidden(joinVia(b, room));
    }

    @Test
    void knockRestrictedAllowsBothKnockingAndRestrictedJoin() {
        U a = user("mkr2-a");
        U member = user("mkr2-m");
        U outsider = user("mkr2-o");
        String space = publicRoom(a, "10");
        join(member, space);
        String room = createRoom(a, map("room_version", "10", "initial_state", List.of(restricted(space, "knock_restricted"))));
        forbidden(joinVia(outsider, room));
        ok(outsider.post(V3 + "/knock/" + enc(room), map()));
        join(member, room);
        assertEquals(a.id(), stateEvent(a, room, "m.room.member", member.id()).path("content")
                .path("join_authorised_via_users_server").asText());
    }

    @Test
    void restrictedRuleIsUnknownBeforeV8() {
        U a = user("mr7-a");
        U member = user("mr7-m");
        String space = publicRoom(a, "7");
        join(member, space);
        String room = createRoom(a, map("room_version", "7", "initial_state", List.of(restricted(space, "restricted"))));
        forbidden(joinVia(member, room));
    }

    // ------------------------------------------------------------------ membership through the state endpoint

    @Test
    void membershipCannotBeChangedThroughStatePut() {
        U a = user("msp-a");
        U b = user("msp-b");
        String room = publicRoom(a);
        forbidden(a.put(RoomFx.state(room, "m.room.member", b.id()), map("membership", "invite")));
        forbidden(b.put(RoomFx.state(room, "m.room.member", b.id()), map("membership", "join")));
        // A joined member may update their own member event (display name in this room).
        join(b, room);
        RoomFx.setState(b, room, "m.room.member", b.id(), map("membership", "join", "displayname", "Room Bob"));
        assertEquals("Room Bob", RoomFx.getState(a, room, "m.room.member", b.id()).path("displayname").asText());
        JsonNode joined = ok(a.get(room(room) + "/joined_members"));
        assertEquals("Room Bob", joined.path("joined").path(b.id()).path("display_name").asText(), joined::toString);
    }

    @Test
    void guestsAreRefusedOnUserOnlyEndpoints() {
        U a = user("mg-a");
        String room = publicRoom(a);
        Resp g = RoomFx.anon().post(V3 + "/register?kind=guest", map());
        assertEquals(200, g.status(), g::toString);
        Client guest = RoomFx.anon().as(g.str("access_token"));
        err(RoomFx.noServerError("invite", guest.post(room(room) + "/invite", map("user_id", a.id()))), 403, "M_GUEST_ACCESS_FORBIDDEN");
        // public_chat sets guest_access forbidden: guests may not join.
        err(RoomFx.noServerError("join", guest.post(room(room) + "/join", map())), 403, "M_GUEST_ACCESS_FORBIDDEN");
        // With guest_access can_join they may.
        String open = createRoom(a, map("preset", "public_chat", "initial_state",
                List.of(map("type", "m.room.guest_access", "content", map("guest_access", "can_join")))));
        Resp j = RoomFx.noServerError("join", guest.post(room(open) + "/join", map()));
        assertEquals(200, j.status(), j::toString);
    }
}
