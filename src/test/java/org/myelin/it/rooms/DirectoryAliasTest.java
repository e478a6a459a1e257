package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client.Resp;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.DirectoryFx.*;

/** PUT/GET/DELETE /directory/room/{roomAlias}, GET /rooms/{roomId}/aliases and /directory/list/room/{roomId}. */
class DirectoryAliasTest {

    @Test
    void createResolveAndDelete() {
        U alice = user("alias-owner");
        String roomId = publicRoom(alice);
        String a = newAlias("cats");
        ok(alice.put(alias(a), map("room_id", roomId)));

        JsonNode res = ok(alice.get(alias(a)));
        assertEquals(roomId, res.path("room_id").asText());
        assertEquals(List.of(serverName()), texts(res.path("servers")));
        // Resolving needs no access token.
        assertEquals(roomId, ok(noServerError("anon", anon().get(alias(a)))).path("room_id").asText());

        // Joining through the alias works.
        U bob = user("alias-joiner");
        join(bob, a);

        err(alice.put(alias(a), map("room_id", roomId)), 409, "M_UNKNOWN");
        assertEquals(List.of(a), texts(ok(alice.get(room(roomId) + "/aliases")).path("aliases")));

        ok(alice.delete(alias(a)));
        err(alice.get(alias(a)), 404, "M_NOT_FOUND");
        err(alice.delete(alias(a)), 404, "M_NOT_FOUND");
        assertTrue(ok(alice.get(room(roomId) + "/aliases")).path("aliases").isEmpty());
    }

    @Test
    void badAliasesAndBodies() {
        U alice = user("alias-bad");
        String roomId = publicRoom(alice);
        for (String bad : List.of("nohash:" + serverName(), "#nocolon", "#:" + serverName(),
                "#" + "x".repeat(260) + ":" + serverName())) {
            err(alice.put(alias(bad), map("room_id", roomId)), 400, "M_INVALID_PARAM");
            err(alice.get(alias(bad)), 400, "M_INVALID_PARAM");
            err(alice.delete(alias(bad)), 400, "M_INVALID_PARAM");
        }
        // Not our server name.
        err(alice.put(alias("#x:other.example"), map("room_id", roomId)), 400, "M_INVALID_PARAM");
        err(alice.get(alias("#x:other.example")), 404, "M_NOT_FOUND");
        err(alice.get(alias(newAlias("nothing"))), 404, "M_NOT_FOUND");

        String a = newAlias("body");
        err(alice.put(alias(a), map()), 400, "M_MISSING_PARAM");
        err(alice.put(alias(a), map("room_id", 5)), 400, "M_BAD_JSON");
        err(alice.put(alias(a), map("room_id", "not-a-room")), 400, "M_INVALID_PARAM");
        err(alice.put(alias(a), "[]"), 400, "M_BAD_JSON");
        err(alice.put(alias(a), "{nope"), 400, "M_NOT_JSON");
        err(alice.put(alias(a), map("room_id", "!unknown:" + serverName())), 404, "M_NOT_FOUND");
        err(noServerError("anon", anon().put(alias(a), map("room_id", roomId))), 401, "M_MISSING_TOKEN");
        err(noServerError("anon", anon().delete(alias(a))), 401, "M_MISSING_TOKEN");
    }

    @Test
    void onlyMembersMayCreateAliases() {
        U alice = user("alias-room");
        U mallory = user("alias-outsider");
        String roomId = publicRoom(alice);
        err(mallory.put(alias(newAlias("hijack")), map("room_id", roomId)), 403, "M_FORBIDDEN");
        // Invited is not enough either.
        String priv = createRoom(alice, map("preset", "private_chat"));
        invite(alice, priv, mallory);
        err(mallory.put(alias(newAlias("invited")), map("room_id", priv)), 403, "M_FORBIDDEN");
        join(mallory, priv);
        ok(mallory.put(alias(newAlias("joined")), map("room_id", priv)));
    }

    @Test
    void whoMayDelete() {
        U owner = user("del-owner");
        U member = user("del-member");
        U other = user("del-other");
        U admin = admin("del-admin");
        String roomId = publicRoom(owner);
        join(member, roomId);
        join(other, roomId);

        // The alias's creator may delete it, even without power in the room.
        String mine = newAlias("mine");
        ok(member.put(alias(mine), map("room_id", roomId)));
        ok(member.delete(alias(mine)));

        // Another plain member may not.
        String a = newAlias("theirs");
        ok(member.put(alias(a), map("room_id", roomId)));
        err(other.delete(alias(a)), 403, "M_FORBIDDEN");
        // A room admin (may send m.room.canonical_alias) may.
        ok(owner.delete(alias(a)));

        // A server admin may, without being in the room.
        String b = newAlias("admin");
        ok(member.put(alias(b), map("room_id", roomId)));
        ok(admin.delete(alias(b)));
        err(owner.get(alias(b)), 404, "M_NOT_FOUND");
    }

    @Test
    void deletingRemovesTheAliasFromTheCanonicalAliasEvent() {
        U owner = user("canon-owner");
        U member = user("canon-member");
        String roomId = publicRoom(owner);
        join(member, roomId);
        String main = newAlias("main");
        String alt = newAlias("alt");
        String membersAlias = newAlias("members");
        ok(owner.put(alias(main), map("room_id", roomId)));
        ok(owner.put(alias(alt), map("room_id", roomId)));
        ok(member.put(alias(membersAlias), map("room_id", roomId)));
        setState(owner, roomId, "m.room.canonical_alias", "",
                map("alias", main, "alt_aliases", List.of(main, alt, membersAlias)));

        ok(owner.delete(alias(main)));
        JsonNode c = stateContent(owner, roomId, "m.room.canonical_alias", "");
        assertFalse(c.has("alias"), c::toString);
        assertEquals(List.of(alt, membersAlias), texts(c.path("alt_aliases")));

        // The member may delete their own alias but not edit the canonical alias: the deletion
        // still succeeds and the event keeps naming it (the spec's recommendation).
        ok(member.delete(alias(membersAlias)));
        err(member.get(alias(membersAlias)), 404, "M_NOT_FOUND");
        assertEquals(List.of(alt, membersAlias),
                texts(stateContent(owner, roomId, "m.room.canonical_alias", "").path("alt_aliases")));

        // The next cleanup drops every alias that no longer points here.
        ok(owner.delete(alias(alt)));
        JsonNode after = stateContent(owner, roomId, "m.room.canonical_alias", "");
        assertFalse(after.has("alias"), after::toString);
        assertFalse(after.has("alt_aliases"), after::toString);
    }

    @Test
    void localAliasesListVisibility() {
        U owner = user("list-owner");
        U outsider = user("list-outsider");
        U admin = admin("list-admin");
        String roomId = createRoom(owner, map("preset", "private_chat"));
        String a = newAlias("listed");
        ok(owner.put(alias(a), map("room_id", roomId)));
        assertEquals(List.of(a), texts(ok(owner.get(room(roomId) + "/aliases")).path("aliases")));
        err(outsider.get(room(roomId) + "/aliases"), 403, "M_FORBIDDEN");
        assertEquals(List.of(a), texts(ok(admin.get(room(roomId) + "/aliases")).path("aliases")));
        err(outsider.get(room("!unknown:" + serverName()) + "/aliases"), 403, "M_FORBIDDEN");
        err(outsider.get(room("not-a-room") + "/aliases"), 400, "M_INVALID_PARAM");

        setState(owner, roomId, "m.room.history_visibility", "", map("history_visibility", "world_readable"));
        assertEquals(List.of(a), texts(ok(outsider.get(room(roomId) + "/aliases")).path("aliases")));
    }

    @Test
    void createRoomAliasIsDeletableAndListed() {
        U owner = user("cr-owner");
        String local = "cr" + System.nanoTime();
        String roomId = createRoom(owner, map("room_alias_name", local));
        String a = "#" + local + ":" + serverName();
        assertEquals(roomId, ok(owner.get(alias(a))).path("room_id").asText());
        ok(owner.delete(alias(a)));
        JsonNode c = stateContent(owner, roomId, "m.room.canonical_alias", "");
        assertFalse(c.has("alias"), c::toString);
    }

    @Test
    void directoryVisibility() {
        U owner = user("vis-owner");
        U member = user("vis-member");
        U admin = admin("vis-admin");
        String roomId = publicRoom(owner);
        join(member, roomId);
        String path = V3 + "/directory/list/room/" + enc(roomId);

        assertEquals("private", ok(noServerError("anon", anon().get(path))).path("visibility").asText());
        ok(owner.put(path, map("visibility", "public")));
        assertEquals("public", ok(owner.get(path)).path("visibility").asText());
        err(member.put(path, map("visibility", "private")), 403, "M_FORBIDDEN");
        ok(admin.put(path, map("visibility", "private")));
        assertEquals("private", ok(owner.get(path)).path("visibility").asText());
        // visibility defaults to public.
        ok(owner.put(path, map()));
        assertEquals("public", ok(owner.get(path)).path("visibility").asText());

        err(owner.put(path, map("visibility", "hidden")), 400, "M_INVALID_PARAM");
        err(owner.put(path, map("visibility", 1)), 400, "M_BAD_JSON");
        String unknown = V3 + "/directory/list/room/" + enc("!unknown:" + serverName());
        err(owner.get(unknown), 404, "M_NOT_FOUND");
        err(owner.put(unknown, map("visibility", "public")), 404, "M_NOT_FOUND");
        err(owner.get(V3 + "/directory/list/room/nope"), 400, "M_INVALID_PARAM");
        err(noServerError("anon", anon().put(path, map("visibility", "public"))), 401, "M_MISSING_TOKEN");

        // createRoom with visibility=public publishes the room.
        String published = createRoom(owner, map("visibility", "public", "preset", "public_chat"));
        assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(published))).path("visibility").asText());
    }

    @Test
    void guests() {
        U owner = user("guest-owner");
        String roomId = publicRoom(owner);
        String a = newAlias("guestview");
        ok(owner.put(alias(a), map("room_id", roomId)));
        Resp g = noServerError("guest", anon().post(V3 + "/register?kind=guest", map()));
        assertEquals(200, g.status(), g::toString);
        var guest = anon().as(g.str("access_token"));
        assertEquals(roomId, ok(noServerError("guest", guest.get(alias(a)))).path("room_id").asText());
        assertTrue(ok(noServerError("guest", guest.post(V3 + "/publicRooms", map()))).path("chunk").isArray());
        err(noServerError("guest", guest.put(alias(newAlias("byguest")), map("room_id", roomId))), 403, "M_GUEST_ACCESS_FORBIDDEN");
        err(noServerError("guest", guest.get(room(roomId) + "/aliases")), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }

    @Test
    void aliasPathEncoding() {
        U owner = user("enc-owner");
        String roomId = publicRoom(owner);
        String a = "#" + "enc/é?" + System.nanoTime() + ":" + serverName();
        ok(owner.put(alias(a), map("room_id", roomId)));
        Resp r = owner.get(alias(a));
        assertEquals(roomId, ok(r).path("room_id").asText());
        ok(owner.delete(alias(a)));
    }
}
