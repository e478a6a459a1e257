package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.userdata.UserDataFx.U;
import static org.myelin.it.userdata.UserDataFx.V3;
import static org.myelin.it.userdata.UserDataFx.accountData;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.enc;
import static org.myelin.it.userdata.UserDataFx.err;
import static org.myelin.it.userdata.UserDataFx.globalAccountData;
import static org.myelin.it.userdata.UserDataFx.joined;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.otherDevice;
import static org.myelin.it.userdata.UserDataFx.roomAccountData;
import static org.myelin.it.userdata.UserDataFx.roomData;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.syncFiltered;
import static org.myelin.it.userdata.UserDataFx.user;

/** Client config: GET/PUT /user/{userId}/account_data/{type} and the per-room variant, and their delivery by /sync. */
class AccountDataTest {

    @Test
    void setAndGetGlobalAndRoomData() {
        U a = user("ad");
        String room = createRoom(a, map());
        err(a.get(accountData(a, "org.example.cfg")), 404, "M_NOT_FOUND");
        ok(a.put(accountData(a, "org.example.cfg"), map("k", "v", "n", 1)));
        JsonNode got = ok(a.get(accountData(a, "org.example.cfg")));
        assertEquals("v", got.path("k").asText());
        assertEquals(1, got.path("n").asInt());

        // Room data is separate from global data of the same type.
        err(a.get(roomAccountData(a, room, "org.example.cfg")), 404, "M_NOT_FOUND");
        ok(a.put(roomAccountData(a, room, "org.example.cfg"), map("room", true)));
        assertTrue(ok(a.get(roomAccountData(a, room, "org.example.cfg"))).path("room").asBoolean());
        assertEquals("v", ok(a.get(accountData(a, "org.example.cfg"))).path("k").asText());

        // Replacing replaces the whole object.
        ok(a.put(accountData(a, "org.example.cfg"), map("other", "x")));
        got = ok(a.get(accountData(a, "org.example.cfg")));
        assertFalse(got.has("k"), got::toString);
        assertEquals("x", got.path("other").asText());

        // Another device of the same user reads the same data.
        assertEquals("x", ok(otherDevice(a).get(accountData(a, "org.example.cfg"))).path("other").asText());
    }

    @Test
    void onlyYourOwnData() {
        U a = user("ad-own");
        U b = user("ad-other");
        String room = createRoom(a, map());
        ok(a.put(accountData(a, "org.example.secret"), map("s", 1)));
        err(b.get(accountData(a, "org.example.secret")), 403, "M_FORBIDDEN");
        err(b.put(accountData(a, "org.example.secret"), map("s", 2)), 403, "M_FORBIDDEN");
        err(b.get(roomAccountData(a, room, "org.example.secret")), 403, "M_FORBIDDEN");
        err(b.put(roomAccountData(a, room, "org.example.secret"), map("s", 2)), 403, "M_FORBIDDEN");
        assertEquals(1, ok(a.get(accountData(a, "org.example.secret"))).path("s").asInt());
        // Without a token: 401.
        assertEquals(401, UserDataFx.anon().get(accountData(a, "org.example.secret")).status());
    }

    @Test
    void bodyMustBeAJsonObject() {
        U a = user("ad-body");
        String room = createRoom(a, map());
        for (String path : List.of(accountData(a, "org.example.t"), roomAccountData(a, room, "org.example.t"))) {
            err(a.send("PUT", path, "{not json"), 400, "M_NOT_JSON");
            err(a.send("PUT", path, "[1,2]"), 400, "M_BAD_JSON");
            err(a.send("PUT", path, "\"text\""), 400, "M_BAD_JSON");
            err(a.send("PUT", path, "42"), 400, "M_BAD_JSON");
        }
        err(a.get(accountData(a, "org.example.t")), 404, "M_NOT_FOUND");
    }

    @Test
    void serverManagedTypesAreRefused() {
        U a = user("ad-managed");
        String room = createRoom(a, map());
        for (String type : List.of("m.fully_read", "m.push_rules")) {
            err(a.put(accountData(a, type), map("event_id", "$x")), 405, "M_BAD_JSON");
            err(a.put(roomAccountData(a, room, type), map("event_id", "$x")), 405, "M_BAD_JSON");
        }
        err(a.get(roomAccountData(a, room, "m.fully_read")), 404, "M_NOT_FOUND");
    }

    @Test
    void invalidRoomIdIsRejected() {
        U a = user("ad-roomid");
        err(a.put(V3 + "/user/" + enc(a.id()) + "/rooms/" + enc("#alias:test.myelin") + "/account_data/org.example.x", map()),
                400, "M_INVALID_PARAM");
        err(a.get(V3 + "/user/" + enc(a.id()) + "/rooms/" + enc("@user:test.myelin") + "/account_data/org.example.x"),
                400, "M_INVALID_PARAM");
    }

    @Test
    void initialSyncHasAllCurrentDataAndIncrementalOnlyChanges() {
        U a = user("ad-sync");
        String room = createRoom(a, map());
        ok(a.put(accountData(a, "org.example.one"), map("v", 1)));
        ok(a.put(accountData(a, "org.example.two"), map("v", 2)));
        ok(a.put(roomAccountData(a, room, "org.example.r"), map("v", 3)));

        JsonNode initial = sync(a, null);
        Map<String, JsonNode> global = globalAccountData(initial);
        assertEquals(1, global.get("org.example.one").path("v").asInt(), initial::toString);
        assertEquals(2, global.get("org.example.two").path("v").asInt(), initial::toString);
        assertEquals(3, roomData(initial, room).get("org.example.r").path("v").asInt(), initial::toString);

        // Nothing changed: nothing delivered again.
        JsonNode s1 = sync(a, nextBatch(initial));
        assertTrue(globalAccountData(s1).isEmpty(), s1::toString);
        assertTrue(roomData(s1, room).isEmpty(), s1::toString);

        // One change: only that entry, once.
        ok(a.put(accountData(a, "org.example.two"), map("v", 22)));
        JsonNode s2 = sync(a, nextBatch(s1));
        global = globalAccountData(s2);
        assertEquals(1, global.size(), s2::toString);
        assertEquals(22, global.get("org.example.two").path("v").asInt(), s2::toString);
        JsonNode s3 = sync(a, nextBatch(s2));
        assertTrue(globalAccountData(s3).isEmpty(), s3::toString);

        // A room entry change goes to rooms.join[room].account_data, not to the top level.
        ok(a.put(roomAccountData(a, room, "org.example.r"), map("v", 33)));
        JsonNode s4 = sync(a, nextBatch(s3));
        assertTrue(globalAccountData(s4).isEmpty(), s4::toString);
        assertEquals(33, roomData(s4, room).get("org.example.r").path("v").asInt(), s4::toString);
        JsonNode s5 = sync(a, nextBatch(s4));
        assertTrue(roomData(s5, room).isEmpty(), s5::toString);
        assertTrue(joined(s5, room).isMissingNode(), s5::toString);

        // Two changes of the same entry between syncs: the latest only.
        ok(a.put(accountData(a, "org.example.one"), map("v", 10)));
        ok(a.put(accountData(a, "org.example.one"), map("v", 11)));
        JsonNode s6 = sync(a, nextBatch(s5));
        assertEquals(11, globalAccountData(s6).get("org.example.one").path("v").asInt(), s6::toString);

        // A fresh initial sync sees the current values.
        JsonNode again = sync(a, null);
        assertEquals(11, globalAccountData(again).get("org.example.one").path("v").asInt());
        assertEquals(22, globalAccountData(again).get("org.example.two").path("v").asInt());
        assertEquals(33, roomData(again, room).get("org.example.r").path("v").asInt());
    }

    @Test
    void otherUsersNeverSeeYourData() {
        U a = user("ad-priv-a");
        U b = user("ad-priv-b");
        String room = createRoom(a, map("preset", "public_chat"));
        UserDataFx.join(b, room);
        JsonNode bInitial = sync(b, null);
        ok(a.put(accountData(a, "org.example.mine"), map("v", 1)));
        ok(a.put(roomAccountData(a, room, "org.example.mine"), map("v", 1)));
        JsonNode bNext = sync(b, nextBatch(bInitial));
        assertFalse(globalAccountData(bNext).containsKey("org.example.mine"), bNext::toString);
        assertFalse(roomData(bNext, room).containsKey("org.example.mine"), bNext::toString);
        assertFalse(globalAccountData(sync(b, null)).containsKey("org.example.mine"));
    }

    @Test
    void aChangeWakesAWaitingSyncOfAnotherDevice() throws Exception {
        U a = user("ad-wake");
        U a2 = otherDevice(a);
        String since = nextBatch(sync(a2, null));
        long start = System.nanoTime();
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(a2, since, 20_000));
        Thread.sleep(300);
        assertFalse(waiting.isDone(), "a sync with nothing new waits");
        ok(a.put(accountData(a, "org.example.wake"), map("v", 1)));
        JsonNode s = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        assertEquals(1, globalAccountData(s).get("org.example.wake").path("v").asInt(), s::toString);
    }

    @Test
    void syncFiltersApply() {
        U a = user("ad-filter");
        String room = createRoom(a, map());
        ok(a.put(accountData(a, "org.example.keep"), map("v", 1)));
        ok(a.put(accountData(a, "org.example.drop"), map("v", 2)));
        ok(a.put(roomAccountData(a, room, "org.example.keep"), map("v", 3)));
        ok(a.put(roomAccountData(a, room, "org.example.drop"), map("v", 4)));
        JsonNode s = syncFiltered(a, null, "{\"account_data\":{\"not_types\":[\"org.example.drop\"]},"
                + "\"room\":{\"account_data\":{\"types\":[\"org.example.keep\"]}}}");
        assertTrue(globalAccountData(s).containsKey("org.example.keep"), s::toString);
        assertFalse(globalAccountData(s).containsKey("org.example.drop"), s::toString);
        assertTrue(roomData(s, room).containsKey("org.example.keep"), s::toString);
        assertFalse(roomData(s, room).containsKey("org.example.drop"), s::toString);
    }

    @Test
    void contentRoundTripsExactly() {
        U a = user("ad-json");
        ok(a.put(accountData(a, "org.example.unicode"), map("text", "h\u00e9llo \ud83d\ude00", "nested", map("a", List.of(1, 2)),
                "n", 1.5, "nil", map())));
        JsonNode got = ok(otherDevice(a).get(accountData(a, "org.example.unicode")));
        assertEquals("h\u00e9llo \ud83d\ude00", got.path("text").asText());
        assertEquals(2, got.path("nested").path("a").size());
        assertEquals(1.5, got.path("n").asDouble());
        assertTrue(got.path("nil").isObject());
    }
}
