package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.DirectoryFx.*;

/** POST /rooms/{roomId}/upgrade (spec module "Room Upgrades", server behaviour). */
class DirectoryRoomUpgradeTest {

    private static String upgrade(U u, String roomId, Object body) {
        JsonNode r = ok(u.post(room(roomId) + "/upgrade", body));
        String id = r.path("replacement_room").asText(null);
        assertTrue(id != null && id.startsWith("!"), r::toString);
        return id;
    }

    private static String upgrade(U u, String roomId, String version) { return upgrade(u, roomId, map("new_version", version)); }

    @Test
    void v10ToV11CopiesStateMovesAliasesAndRestrictsTheOldRoom() {
        U owner = user("up-owner");
        U member = user("up-member");
        U invitee = user("up-invitee");
        U banned = user("up-banned");
        String local = "up" + System.nanoTime();
        String alias = "#" + local + ":" + serverName();
        String old = createRoom(owner, map("preset", "public_chat", "room_version", "10", "visibility", "public",
                "name", "Old name", "topic", "Old topic", "room_alias_name", local));
        setState(owner, old, "m.room.avatar", "", map("url", "mxc://example.org/a"));
        setState(owner, old, "m.room.history_visibility", "", map("history_visibility", "joined"));
        setState(owner, old, "org.example.custom", "", map("not", "copied"));
        join(member, old);
        invite(owner, old, invitee);
        ok(owner.post(room(old) + "/ban", map("user_id", banned.id(), "reason", "spam")));
        String lastBefore = send(member, old, "last words");

        String repl = upgrade(owner, old, "11");
        assertNotEquals(old, repl);

        // The tombstone.
        JsonNode tomb = stateContent(owner, old, "m.room.tombstone", "");
        assertEquals(repl, tomb.path("replacement_room").asText());
        assertTrue(tomb.path("body").isTextual());

        // The new room's create event.
        JsonNode create = stateEvent(owner, repl, "m.room.create", "");
        assertEquals("11", create.path("content").path("room_version").asText());
        assertEquals(old, create.path("content").path("predecessor").path("room_id").asText());
        assertEquals(lastBefore, create.path("content").path("predecessor").path("event_id").asText());
        assertFalse(create.path("content").has("creator"), create::toString);
        assertFalse(create.path("content").has("type"), create::toString);
        assertEquals(owner.id(), create.path("sender").asText());

        // Transferred state.
        assertEquals("Old name", stateContent(owner, repl, "m.room.name", "").path("name").asText());
        assertEquals("Old topic", stateContent(owner, repl, "m.room.topic", "").path("topic").asText());
        assertEquals("mxc://example.org/a", stateContent(owner, repl, "m.room.avatar", "").path("url").asText());
        assertEquals("joined", stateContent(owner, repl, "m.room.history_visibility", "").path("history_visibility").asText());
        assertEquals("public", stateContent(owner, repl, "m.room.join_rules", "").path("join_rule").asText());
        assertEquals(null, stateContent(owner, repl, "org.example.custom", ""));
        JsonNode pl = stateContent(owner, repl, "m.room.power_levels", "");
        assertEquals(100, pl.path("users").path(owner.id()).asInt());
        assertEquals(0, pl.path("events_default").asInt());
        assertEquals("join", stateContent(owner, repl, "m.room.member", owner.id()).path("membership").asText());

        // Aliases and the directory listing moved.
        assertEquals(repl, ok(owner.get(alias(alias))).path("room_id").asText());
        assertEquals(List.of(alias), texts(ok(owner.get(room(repl) + "/aliases")).path("aliases")));
        assertTrue(ok(owner.get(room(old) + "/aliases")).path("aliases").isEmpty());
        assertEquals(alias, stateContent(owner, repl, "m.room.canonical_alias", "").path("alias").asText());
        assertFalse(stateContent(owner, old, "m.room.canonical_alias", "").has("alias"));
        assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(repl))).path("visibility").asText());
        assertEquals("private", ok(owner.get(V3 + "/directory/list/room/" + enc(old))).path("visibility").asText());

        // Invites re-issued, bans kept.
        assertEquals("invite", stateContent(owner, repl, "m.room.member", invitee.id()).path("membership").asText());
        JsonNode ban = stateContent(owner, repl, "m.room.member", banned.id());
        assertEquals("ban", ban.path("membership").asText());
        assertEquals("spam", ban.path("reason").asText());
        err(banned.post(V3 + "/join/" + enc(repl), map()), 403, "M_FORBIDDEN");

        // The old room is restricted: members can no longer talk or invite there.
        JsonNode oldPl = stateContent(owner, old, "m.room.power_levels", "");
        assertEquals(50, oldPl.path("events_default").asInt());
        assertEquals(50, oldPl.path("invite").asInt());
        err(member.put(room(old) + "/send/m.room.message/t1", map("msgtype", "m.text", "body", "hi")), 403, "M_FORBIDDEN");

        // Members follow the tombstone into the new room.
        join(member, repl);
        send(member, repl, "hello again");
        join(invitee, repl);
    }

    @Test
    void v11ToV12TakesCreatorsOutOfPowerLevels() {
        U owner = user("v12-owner");
        U co = user("v12-co");
        U mod = user("v12-mod");
        String old = createRoom(owner, map("preset", "public_chat", "room_version", "11", "name", "eleven"));
        join(co, old);
        join(mod, old);
        JsonNode pl = stateContent(owner, old, "m.room.power_levels", "");
        var users = map(owner.id(), 100, co.id(), 100, mod.id(), 50);
        setState(owner, old, "m.room.power_levels", "", mapWith(pl, "users", users));

        String repl = upgrade(owner, old, map("new_version", "12", "additional_creators", List.of(co.id())));
        assertFalse(repl.contains(":"), "v12 room IDs have no server part: " + repl);
        JsonNode create = stateEvent(owner, repl, "m.room.create", "");
        assertEquals("12", create.path("content").path("room_version").asText());
        assertEquals(List.of(co.id()), texts(create.path("content").path("additional_creators")));
        assertEquals(old, create.path("content").path("predecessor").path("room_id").asText());
        assertFalse(create.path("content").has("creator"));
        JsonNode newPl = stateContent(owner, repl, "m.room.power_levels", "");
        assertFalse(newPl.path("users").has(owner.id()), newPl::toString);
        assertFalse(newPl.path("users").has(co.id()), newPl::toString);
        assertEquals(50, newPl.path("users").path(mod.id()).asInt());
        assertEquals("eleven", stateContent(owner, repl, "m.room.name", "").path("name").asText());

        // The additional creator has creator power in the new room once joined.
        join(co, repl);
        setState(co, repl, "m.room.name", "", map("name", "renamed by co-creator"));
    }

    @Test
    void v12ToV12() {
        U owner = user("v1212-owner");
        U member = user("v1212-member");
        String old = createRoom(owner, map("preset", "private_chat", "room_version", "12", "topic", "twelve"));
        invite(owner, old, member);
        join(member, old);
        JsonNode oldPl = stateContent(owner, old, "m.room.power_levels", "");
        assertEquals(150, oldPl.path("events").path("m.room.tombstone").asInt());

        // A member without power cannot upgrade.
        err(member.post(room(old) + "/upgrade", map("new_version", "12")), 403, "M_FORBIDDEN");

        String repl = upgrade(owner, old, "12");
        JsonNode create = stateEvent(owner, repl, "m.room.create", "");
        assertEquals(old, create.path("content").path("predecessor").path("room_id").asText());
        assertFalse(create.path("content").has("additional_creators"));
        JsonNode pl = stateContent(owner, repl, "m.room.power_levels", "");
        assertFalse(pl.path("users").has(owner.id()), pl::toString);
        assertEquals(150, pl.path("events").path("m.room.tombstone").asInt());
        assertEquals("invite", stateContent(owner, repl, "m.room.join_rules", "").path("join_rule").asText());
        assertEquals("twelve", stateContent(owner, repl, "m.room.topic", "").path("topic").asText());
        assertEquals(repl, stateContent(owner, old, "m.room.tombstone", "").path("replacement_room").asText());
        // The private room's member cannot join the new invite-only room without an invite.
        err(member.post(V3 + "/join/" + enc(repl), map()), 403, "M_FORBIDDEN");
    }

    @Test
    void stringPowerLevelsBecomeIntegers() {
        U owner = user("v9-owner");
        String old = createRoom(owner, map("room_version", "9"));
        JsonNode pl = stateContent(owner, old, "m.room.power_levels", "");
        var withStrings = (com.fasterxml.jackson.databind.node.ObjectNode) pl.deepCopy();
        withStrings.put("state_default", "50");
        withStrings.withObjectProperty("events").put("m.room.name", "40");
        setState(owner, old, "m.room.power_levels", "", withStrings);
        String repl = upgrade(owner, old, "11");
        JsonNode newPl = stateContent(owner, repl, "m.room.power_levels", "");
        assertTrue(newPl.path("state_default").isInt(), newPl::toString);
        assertEquals(40, newPl.path("events").path("m.room.name").asInt());
        assertTrue(newPl.path("events").path("m.room.name").isInt(), newPl::toString);
    }

    @Test
    void moderatorWhoMayTombstoneButNotSendEverythingIsRaisedTemporarily() {
        U owner = user("mod-owner");
        U mod = user("mod-upgrader");
        String old = createRoom(owner, map("preset", "public_chat", "room_version", "11", "name", "modded"));
        join(mod, old);
        JsonNode pl = stateContent(owner, old, "m.room.power_levels", "");
        var c = (com.fasterxml.jackson.databind.node.ObjectNode) pl.deepCopy();
        c.withObjectProperty("users").put(mod.id(), 50);
        c.withObjectProperty("events").put("m.room.tombstone", 50);
        setState(owner, old, "m.room.power_levels", "", c);

        String repl = upgrade(mod, old, "11");
        JsonNode newPl = stateContent(mod, repl, "m.room.power_levels", "");
        assertEquals(50, newPl.path("users").path(mod.id()).asInt(), newPl::toString);
        assertEquals(100, newPl.path("users").path(owner.id()).asInt(), newPl::toString);
        assertEquals("modded", stateContent(mod, repl, "m.room.name", "").path("name").asText());
    }

    @Test
    void spacesKeepTheirTypeAndChildren() {
        U owner = user("space-owner");
        String child = createRoom(owner, map());
        String old = createRoom(owner, map("room_version", "11", "creation_content", map("type", "m.space")));
        setState(owner, old, "m.space.child", child, map("via", List.of(serverName())));
        String repl = upgrade(owner, old, "12");
        assertEquals("m.space", stateEvent(owner, repl, "m.room.create", "").path("content").path("type").asText());
        assertEquals(List.of(serverName()), texts(stateContent(owner, repl, "m.space.child", child).path("via")));
    }

    @Test
    void retriesReturnTheSameRoom() {
        U owner = user("retry-owner");
        String old = createRoom(owner, map("room_version", "11"));
        String first = upgrade(owner, old, "12");
        assertEquals(first, upgrade(owner, old, "12"));
    }

    @Test
    void errors() {
        U owner = user("uperr-owner");
        U outsider = user("uperr-outsider");
        String old = createRoom(owner, map("room_version", "11"));
        err(owner.post(room(old) + "/upgrade", map("new_version", "999")), 400, "M_UNSUPPORTED_ROOM_VERSION");
        err(owner.post(room(old) + "/upgrade", map()), 400, "M_MISSING_PARAM");
        err(owner.post(room(old) + "/upgrade", map("new_version", 11)), 400, "M_BAD_JSON");
        err(owner.post(room(old) + "/upgrade", map("new_version", "12", "additional_creators", "x")), 400, "M_BAD_JSON");
        err(owner.post(room(old) + "/upgrade", map("new_version", "12", "additional_creators", List.of("nope"))),
                400, "M_INVALID_PARAM");
        err(owner.post(room(old) + "/upgrade", "{"), 400, "M_NOT_JSON");
        err(outsider.post(room(old) + "/upgrade", map("new_version", "12")), 403, "M_FORBIDDEN");
        err(owner.post(room("!unknown:" + serverName()) + "/upgrade", map("new_version", "12")), 404, "M_NOT_FOUND");
        err(owner.post(room("nope") + "/upgrade", map("new_version", "12")), 400, "M_INVALID_PARAM");
        err(noServerError("anon", anon().post(room(old) + "/upgrade", map("new_version", "12"))), 401, "M_MISSING_TOKEN");
        // Nothing happened to the room.
        assertEquals(null, stateContent(owner, old, "m.room.tombstone", ""));
    }

    @Test
    void userWithoutTombstonePowerGets403AndNothingIsCreated() {
        U owner = user("upnp-owner");
        U member = user("upnp-member");
        String local = "upnp" + System.nanoTime();
        String alias = "#" + local + ":" + serverName();
        String old = createRoom(owner, map("preset", "public_chat", "room_version", "11", "visibility", "public",
                "room_alias_name", local));
        join(member, old);
        List<String> before = joinedRooms(member);
        err(member.post(room(old) + "/upgrade", map("new_version", "12")), 403, "M_FORBIDDEN");
        assertEquals(before, joinedRooms(member));
        assertEquals(null, stateContent(owner, old, "m.room.tombstone", ""));
        assertEquals(old, ok(owner.get(alias(alias))).path("room_id").asText());
        assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(old))).path("visibility").asText());
    }

    @Test
    void unsupportedVersionGets400AndNothingIsCreated() {
        U owner = user("upuv-owner");
        String old = createRoom(owner, map("room_version", "11"));
        List<String> before = joinedRooms(owner);
        err(owner.post(room(old) + "/upgrade", map("new_version", "999")), 400, "M_UNSUPPORTED_ROOM_VERSION");
        err(owner.post(room(old) + "/upgrade", map("new_version", "")), 400, "M_UNSUPPORTED_ROOM_VERSION");
        assertEquals(before, joinedRooms(owner));
        assertEquals(null, stateContent(owner, old, "m.room.tombstone", ""));
    }

    /** Room version 5 allows integers beyond 2^53 in content; version 6 and later refuse them. */
    @Test
    void stateTheNewVersionCannotHoldIsRefusedBeforeAnythingIsCreated() {
        U owner = user("upbig-owner");
        String old = createRoom(owner, map("room_version", "5", "topic", "old"));
        setState(owner, old, "m.room.topic", "", map("topic", "big", "n", new java.math.BigInteger("9007199254740993")));
        List<String> before = joinedRooms(owner);
        err(owner.post(room(old) + "/upgrade", map("new_version", "11")), 400, "M_BAD_JSON");
        assertEquals(before, joinedRooms(owner));
        assertEquals(null, stateContent(owner, old, "m.room.tombstone", ""));
        // Once the state is fixed, the upgrade goes through.
        setState(owner, old, "m.room.topic", "", map("topic", "fixed"));
        String repl = upgrade(owner, old, "11");
        assertEquals("fixed", stateContent(owner, repl, "m.room.topic", "").path("topic").asText());
    }

    @Test
    void successfulUpgradeMovesEveryLocalAliasAndTheListing() {
        U owner = user("upal-owner");
        String local = "upal" + System.nanoTime();
        String alias = "#" + local + ":" + serverName();
        String extra = newAlias("upal-extra");
        String old = createRoom(owner, map("preset", "public_chat", "room_version", "11", "visibility", "public",
                "room_alias_name", local));
        ok(owner.put(alias(extra), map("room_id", old)));
        setState(owner, old, "m.room.canonical_alias", "", map("alias", alias, "alt_aliases", List.of(extra)));
        String repl = upgrade(owner, old, "12");
        assertEquals(repl, ok(owner.get(alias(alias))).path("room_id").asText());
        assertEquals(repl, ok(owner.get(alias(extra))).path("room_id").asText());
        JsonNode ca = stateContent(owner, repl, "m.room.canonical_alias", "");
        assertEquals(alias, ca.path("alias").asText(), ca::toString);
        assertEquals(List.of(extra), texts(ca.path("alt_aliases")), ca::toString);
        assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(repl))).path("visibility").asText());
        assertEquals("private", ok(owner.get(V3 + "/directory/list/room/" + enc(old))).path("visibility").asText());
        assertEquals(repl, stateContent(owner, old, "m.room.tombstone", "").path("replacement_room").asText());
        assertTrue(joinedRooms(owner).contains(repl));
    }

    /**
     * An upgrade racing the demotion of the user upgrading: the tombstone is the commit point, so
     * either the upgrade completes (tombstone, aliases and listing moved) or it is refused and leaves
     * nothing: no tombstone, the user in no new room, aliases and listing where they were.
     */
    @Test
    void upgradeRacingTheUpgradersDemotionIsAllOrNothing() throws Exception {
        U owner = user("uprace-owner");
        U mod = user("uprace-mod");
        int done = 0;
        int abandoned = 0;
        for (int round = 0; round < 8; round++) {
            String local = "uprace" + System.nanoTime();
            String alias = "#" + local + ":" + serverName();
            String old = createRoom(owner, map("preset", "public_chat", "room_version", "11", "visibility", "public",
                    "room_alias_name", local, "name", "race " + round));
            join(mod, old);
            var pl = (com.fasterxml.jackson.databind.node.ObjectNode) stateContent(owner, old, "m.room.power_levels", "").deepCopy();
            pl.withObjectProperty("users").put(mod.id(), 50);
            pl.withObjectProperty("events").put("m.room.tombstone", 50);
            setState(owner, old, "m.room.power_levels", "", pl);
            var demoted = pl.deepCopy();
            demoted.withObjectProperty("users").put(mod.id(), 0);
            List<String> before = joinedRooms(mod);
            var go = new java.util.concurrent.CountDownLatch(1);
            org.myelin.it.Client.Resp up;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var u = pool.submit(() -> {
                    go.await();
                    return mod.c().post(room(old) + "/upgrade", map("new_version", "12"));
                });
                // Later in each round, so that the demotion lands before, during and after the upgrade.
                long delay = round * 8L;
                var d = pool.submit(() -> {
                    go.await();
                    Thread.sleep(delay);
                    return owner.c().put(room(old) + "/state/m.room.power_levels/", demoted);
                });
                go.countDown();
                up = noServerError("upgrade", u.get(60, java.util.concurrent.TimeUnit.SECONDS));
                ok(noServerError("demotion", d.get(60, java.util.concurrent.TimeUnit.SECONDS)));
            }
            if (up.status() == 200) {
                done++;
                String repl = up.str("replacement_room");
                assertEquals(repl, stateContent(owner, old, "m.room.tombstone", "").path("replacement_room").asText());
                assertEquals(repl, ok(owner.get(alias(alias))).path("room_id").asText());
                assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(repl))).path("visibility").asText());
                assertEquals("race " + round, stateContent(mod, repl, "m.room.name", "").path("name").asText());
                assertTrue(joinedRooms(mod).contains(repl));
            } else {
                err(up, 403, "M_FORBIDDEN");
                assertEquals(null, stateContent(owner, old, "m.room.tombstone", ""));
                assertEquals(before, joinedRooms(mod), "the refused upgrade left its new room behind");
                assertEquals(old, ok(owner.get(alias(alias))).path("room_id").asText());
                assertEquals("public", ok(owner.get(V3 + "/directory/list/room/" + enc(old))).path("visibility").asText());
                // Refused at the tombstone, after its room was made: nobody is left in that room.
                for (String made : RoomFx.successors(old)) {
                    abandoned++;
                    var members = new java.util.HashMap<String, String>();
                    for (RoomFx.Stored e : RoomFx.timeline(made)) {
                        if (e.type().equals("m.room.member")) members.put(e.stateKey(), e.pdu().path("content").path("membership").asText());
                    }
                    assertFalse(members.containsValue("join"), () -> made + " " + members);
                }
            }
        }
        System.out.println("upgrade race: " + done + " of 8 completed, " + abandoned + " refused at the tombstone and abandoned");
    }

    private static Object mapWith(JsonNode base, String key, Object value) {
        var m = map();
        base.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
        m.put(key, value);
        return m;
    }
}
