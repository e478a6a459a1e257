package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.userdata.UserDataFx.U;
import static org.myelin.it.userdata.UserDataFx.accountData;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.enc;
import static org.myelin.it.userdata.UserDataFx.err;
import static org.myelin.it.userdata.UserDataFx.globalAccountData;
import static org.myelin.it.userdata.UserDataFx.invite;
import static org.myelin.it.userdata.UserDataFx.join;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.publicRoom;
import static org.myelin.it.userdata.UserDataFx.room;
import static org.myelin.it.userdata.UserDataFx.send;
import static org.myelin.it.userdata.UserDataFx.setState;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.timelineBodies;
import static org.myelin.it.userdata.UserDataFx.timelineTypes;
import static org.myelin.it.userdata.UserDataFx.user;

/** Ignoring users (m.ignored_user_list): validation and the effect on /sync, /messages, /context and invites. */
class IgnoreUsersTest {

    private static void ignore(U who, U... ignored) {
        var users = map();
        for (U u : ignored) users.put(u.id(), map());
        ok(who.put(accountData(who, "m.ignored_user_list"), map("ignored_users", users)));
    }

    private static List<String> messageBodies(U u, String roomId) {
        JsonNode r = ok(u.get(room(roomId) + "/messages?dir=b&limit=50"));
        List<String> out = new ArrayList<>();
        for (JsonNode e : r.path("chunk")) {
            if ("m.room.message".equals(e.path("type").asText())) out.add(0, e.path("content").path("body").asText());
        }
        return out;
    }

    @Test
    void theListIsValidated() {
        U a = user("ign-valid");
        String path = accountData(a, "m.ignored_user_list");
        err(a.put(path, map()), 400, "M_BAD_JSON");
        err(a.put(path, map("ignored_users", List.of("@x:test.myelin"))), 400, "M_BAD_JSON");
        err(a.put(path, map("ignored_users", map("not-a-user", map()))), 400, "M_INVALID_PARAM");
        err(a.put(path, map("ignored_users", map("@x:test.myelin", "yes"))), 400, "M_BAD_JSON");
        err(a.put(path, map("ignored_users", map(a.id(), map()))), 400, "M_INVALID_PARAM");
        err(a.get(path), 404, "M_NOT_FOUND");
        ok(a.put(path, map("ignored_users", map("@x:test.myelin", map()))));
        ok(a.put(path, map("ignored_users", map())));
        assertEquals(0, ok(a.get(path)).path("ignored_users").size());
    }

    @Test
    void ignoredUsersMessagesVanishFromSyncAndMessagesButStateStays() {
        U a = user("ign-a");
        U spam = user("ign-spam");
        U c = user("ign-c");
        String room = createRoom(a, map("preset", "public_chat", "power_level_content_override",
                map("events", map("m.room.topic", 0))));
        join(spam, room);
        join(c, room);
        send(spam, room, "before ignoring");
        JsonNode initial = sync(a, null);
        assertTrue(timelineBodies(initial, room).contains("before ignoring"), initial::toString);

        ignore(a, spam);
        JsonNode s1 = sync(a, nextBatch(initial));
        assertTrue(globalAccountData(s1).get("m.ignored_user_list").path("ignored_users").has(spam.id()), s1::toString);

        send(spam, room, "while ignored");
        setState(spam, room, "m.room.topic", "", map("topic", "spam's topic"));
        send(c, room, "from c");
        JsonNode s2 = sync(a, nextBatch(s1));
        List<String> bodies = timelineBodies(s2, room);
        assertEquals(List.of("from c"), bodies, s2::toString);
        assertTrue(timelineTypes(s2, room).contains("m.room.topic"), "state events of ignored users are still sent: " + s2);

        // /messages and a fresh initial sync hide the ignored user's messages too, even older ones.
        List<String> history = messageBodies(a, room);
        assertFalse(history.contains("while ignored"), history::toString);
        assertFalse(history.contains("before ignoring"), history::toString);
        assertTrue(history.contains("from c"), history::toString);
        assertFalse(timelineBodies(sync(a, null), room).contains("while ignored"));

        // /context around c's message leaves the ignored user's messages out.
        String cEvent = send(c, room, "context anchor");
        JsonNode ctx = ok(a.get(room(room) + "/context/" + enc(cEvent) + "?limit=10"));
        for (JsonNode e : ctx.path("events_before")) {
            if ("m.room.message".equals(e.path("type").asText())) assertFalse(spam.id().equals(e.path("sender").asText()), ctx::toString);
        }

        // Others still see everything.
        assertTrue(messageBodies(c, room).contains("while ignored"));

        // Un-ignoring: new messages come through again, missed ones are not replayed.
        String sinceUnignore = nextBatch(sync(a, nextBatch(s2)));
        ok(a.put(accountData(a, "m.ignored_user_list"), map("ignored_users", map())));
        send(spam, room, "after unignoring");
        JsonNode s3 = sync(a, sinceUnignore);
        assertEquals(List.of("after unignoring"), timelineBodies(s3, room), s3::toString);
        // History is readable again once the user is no longer ignored.
        assertTrue(messageBodies(a, room).contains("while ignored"));
    }

    @Test
    void ignoringAppliesToASyncAlreadyWaiting() throws Exception {
        U a = user("ign-wait-a");
        U spam = user("ign-wait-spam");
        String room = publicRoom(a);
        join(spam, room);
        ignore(a, spam);
        String since = nextBatch(sync(a, null));
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(a, since, 1500));
        Thread.sleep(200);
        send(spam, room, "ignored while waiting");
        JsonNode s = waiting.get(10, TimeUnit.SECONDS);
        assertFalse(timelineBodies(s, room).contains("ignored while waiting"), s::toString);
    }

    @Test
    void invitesFromIgnoredUsersAreNotDelivered() {
        U a = user("ign-inv-a");
        U spam = user("ign-inv-spam");
        U friend = user("ign-inv-friend");
        ignore(a, spam);
        String since = nextBatch(sync(a, null));
        String spamRoom = createRoom(spam, map());
        invite(spam, spamRoom, a);
        String friendRoom = createRoom(friend, map());
        invite(friend, friendRoom, a);
        JsonNode s = sync(a, since);
        JsonNode invites = s.path("rooms").path("invite");
        assertFalse(invites.has(spamRoom), s::toString);
        assertTrue(invites.has(friendRoom), s::toString);
        assertFalse(sync(a, null).path("rooms").path("invite").has(spamRoom));
    }
}
