package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.it.TestServer;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.event;
import static org.myelin.it.rooms.RoomFx.forbidden;
import static org.myelin.it.rooms.RoomFx.getEvent;
import static org.myelin.it.rooms.RoomFx.invite;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.leave;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.notFound;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.publicRoom;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.send;
import static org.myelin.it.rooms.RoomFx.user;

/** GET /rooms/{roomId}/event/{eventId}, /members and /joined_members. */
class RoomReadTest {
    private static U alice;
    private static U bob;
    private static U carol;
    private static U dave;
    private static U eve;
    /** alice (join), bob (join), carol (invite), dave (leave), eve (ban). */
    private static String room;

    @BeforeAll
    static void setUp() {
        alice = user("read-a");
        bob = user("read-b");
        carol = user("read-c");
        dave = user("read-d");
        eve = user("read-e");
        room = publicRoom(alice);
        join(bob, room);
        invite(alice, room, carol);
        join(dave, room);
        leave(dave, room);
        join(eve, room);
        ok(alice.post(room(room) + "/ban", map("user_id", eve.id())));
    }

    /** user ID -> membership of the /members answer. */
    private static Map<String, String> members(U viewer, String query) {
        JsonNode r = ok(viewer.get(room(room) + "/members" + query));
        assertTrue(r.path("chunk").isArray(), r::toString);
        Map<String, String> out = new TreeMap<>();
        for (JsonNode e : r.path("chunk")) {
            assertEquals("m.room.member", e.path("type").asText(), e::toString);
            assertTrue(e.path("event_id").asText().startsWith("$"), e::toString);
            out.put(e.path("state_key").asText(), e.path("content").path("membership").asText());
        }
        return out;
    }

    @Test
    void eventById() {
        String id = send(bob, room, "hello");
        JsonNode ev = getEvent(alice, room, id);
        assertEquals(id, ev.path("event_id").asText());
        assertEquals("hello", ev.path("content").path("body").asText());
        assertEquals("m.room.message", ev.path("type").asText());
    }

    @Test
    void eventNotFound() {
        notFound(alice.get(event(room, "$doesnotexist")));
        notFound(alice.get(event(room, "$doesnotexist:" + TestServer.SERVER_NAME)));
        // An event of another room, asked for under this room's ID.
        String other = publicRoom(alice);
        String id = send(alice, other, "elsewhere");
        notFound(alice.get(event(room, id)));
    }

    @Test
    void eventInvisibleToNonMember() {
        String priv = createRoom(alice);
        String id = send(alice, priv, "private");
        notFound(eve.get(event(priv, id)));
        notFound(bob.get(event(priv, id)));
    }

    @Test
    void allMembers() {
        assertEquals(new TreeMap<>(Map.of(alice.id(), "join", bob.id(), "join", carol.id(), "invite", dave.id(), "leave",
                eve.id(), "ban")), members(alice, ""));
    }

    @Test
    void membershipFilter() {
        assertEquals(new TreeMap<>(Map.of(alice.id(), "join", bob.id(), "join")), members(alice, "?membership=join"));
        assertEquals(Map.of(carol.id(), "invite"), members(alice, "?membership=invite"));
        assertEquals(Map.of(dave.id(), "leave"), members(alice, "?membership=leave"));
        assertEquals(Map.of(eve.id(), "ban"), members(alice, "?membership=ban"));
        assertEquals(Map.of(), members(alice, "?membership=knock"));
    }

    @Test
    void notMembershipFilter() {
        assertEquals(new TreeMap<>(Map.of(alice.id(), "join", bob.id(), "join", carol.id(), "invite", eve.id(), "ban")),
                members(alice, "?not_membership=leave"));
        assertEquals(new TreeMap<>(Map.of(carol.id(), "invite", dave.id(), "leave", eve.id(), "ban")),
                members(alice, "?not_membership=join"));
    }

    @Test
    void bothFiltersAreAnOrCondition() {
        // Spec: "either the membership *is* the same as membership **or** *is not* the same as not_membership".
        assertEquals(new TreeMap<>(Map.of(alice.id(), "join", bob.id(), "join", dave.id(), "leave", eve.id(), "ban")),
                members(alice, "?membership=leave&not_membership=invite"));
        assertEquals(new TreeMap<>(Map.of(carol.id(), "invite", dave.id(), "leave", eve.id(), "ban")),
                members(alice, "?membership=invite&not_membership=join"));
        assertEquals(5, members(alice, "?membership=join&not_membership=join").size());
    }

    @Test
    void membersOfALeftUserAreThoseAtLeaveTime() {
        String r = publicRoom(alice);
        U x = user("read-x");
        U y = user("read-y");
        join(x, r);
        leave(x, r);
        join(y, r);
        JsonNode chunk = ok(x.get(room(r) + "/members")).path("chunk");
        Map<String, String> seen = new TreeMap<>();
        chunk.forEach(e -> seen.put(e.path("state_key").asText(), e.path("content").path("membership").asText()));
        assertEquals(new TreeMap<>(Map.of(alice.id(), "join", x.id(), "leave")), seen);
    }

    @Test
    void membersNeedMembership() {
        String priv = createRoom(alice);
        forbidden(bob.get(room(priv) + "/members"));
        // Invited but never joined: no member list.
        invite(alice, priv, carol);
        forbidden(carol.get(room(priv) + "/members"));
    }

    @Test
    void joinedMembers() {
        JsonNode r = ok(bob.get(room(room) + "/joined_members"));
        JsonNode joined = r.path("joined");
        assertEquals(2, joined.size(), r::toString);
        assertTrue(joined.has(alice.id()) && joined.has(bob.id()), r::toString);
        // New users have their localpart as display name, copied into the member event.
        String local = alice.id().substring(1, alice.id().indexOf(':'));
        assertEquals(local, joined.path(alice.id()).path("display_name").asText(), r::toString);
        assertTrue(joined.path(alice.id()).path("avatar_url").isMissingNode(), r::toString);
    }

    @Test
    void joinedMembersNeedsCurrentMembership() {
        forbidden(carol.get(room(room) + "/joined_members"));
        forbidden(dave.get(room(room) + "/joined_members"));
        forbidden(eve.get(room(room) + "/joined_members"));
        U stranger = user("read-s");
        forbidden(stranger.get(room(room) + "/joined_members"));
    }
}
