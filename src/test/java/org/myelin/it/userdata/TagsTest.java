package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.userdata.UserDataFx.U;
import static org.myelin.it.userdata.UserDataFx.createRoom;
import static org.myelin.it.userdata.UserDataFx.enc;
import static org.myelin.it.userdata.UserDataFx.err;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.roomAccountData;
import static org.myelin.it.userdata.UserDataFx.roomData;
import static org.myelin.it.userdata.UserDataFx.sync;
import static org.myelin.it.userdata.UserDataFx.tags;
import static org.myelin.it.userdata.UserDataFx.user;

/** Room tagging: GET .../tags, PUT/DELETE .../tags/{tag}, stored and synced as room account data m.tag. */
class TagsTest {

    private static String tag(U u, String roomId, String tag) { return tags(u, roomId) + "/" + enc(tag); }

    @Test
    void addListAndRemoveTags() {
        U a = user("tag");
        String room = createRoom(a, map());
        assertEquals(0, ok(a.get(tags(a, room))).path("tags").size());

        ok(a.put(tag(a, room, "m.favourite"), map("order", 0.25)));
        ok(a.put(tag(a, room, "u.work"), map()));
        JsonNode t = ok(a.get(tags(a, room))).path("tags");
        assertEquals(2, t.size(), t::toString);
        assertEquals(0.25, t.path("m.favourite").path("order").asDouble());
        assertTrue(t.path("u.work").isObject());
        assertFalse(t.path("u.work").has("order"));

        // Re-tagging replaces the tag's content.
        ok(a.put(tag(a, room, "m.favourite"), map("order", 1)));
        assertEquals(1.0, ok(a.get(tags(a, room))).path("tags").path("m.favourite").path("order").asDouble());

        // The tags are the room account data m.tag.
        JsonNode ad = ok(a.get(roomAccountData(a, room, "m.tag")));
        assertTrue(ad.path("tags").has("u.work"), ad::toString);

        ok(a.delete(tag(a, room, "u.work")));
        t = ok(a.get(tags(a, room))).path("tags");
        assertEquals(1, t.size(), t::toString);
        assertTrue(t.has("m.favourite"));
        // Deleting a tag that is not there is fine.
        ok(a.delete(tag(a, room, "u.never")));
        ok(a.delete(tag(a, room, "m.favourite")));
        assertEquals(0, ok(a.get(tags(a, room))).path("tags").size());
    }

    @Test
    void orderMustBeANumberBetweenZeroAndOne() {
        U a = user("tag-order");
        String room = createRoom(a, map());
        err(a.put(tag(a, room, "u.x"), map("order", "high")), 400, "M_BAD_JSON");
        err(a.put(tag(a, room, "u.x"), map("order", 1.5)), 400, "M_INVALID_PARAM");
        err(a.put(tag(a, room, "u.x"), map("order", -0.1)), 400, "M_INVALID_PARAM");
        err(a.send("PUT", tag(a, room, "u.x"), "[]"), 400, "M_BAD_JSON");
        err(a.send("PUT", tag(a, room, "u.x"), "{nope"), 400, "M_NOT_JSON");
        err(a.put(tag(a, room, "u." + "x".repeat(300)), map()), 400, "M_INVALID_PARAM");
        assertEquals(0, ok(a.get(tags(a, room))).path("tags").size());
        ok(a.put(tag(a, room, "u.x"), map("order", 0)));
    }

    @Test
    void onlyYourOwnTags() {
        U a = user("tag-own");
        U b = user("tag-other");
        String room = createRoom(a, map());
        ok(a.put(tag(a, room, "u.mine"), map()));
        err(b.get(tags(a, room)), 403, "M_FORBIDDEN");
        err(b.put(tag(a, room, "u.theirs"), map()), 403, "M_FORBIDDEN");
        err(b.delete(tag(a, room, "u.mine")), 403, "M_FORBIDDEN");
        assertTrue(ok(a.get(tags(a, room))).path("tags").has("u.mine"));
        // b's own tags on the same room are separate.
        assertEquals(0, ok(b.get(tags(b, room))).path("tags").size());
    }

    @Test
    void tagChangesReachSyncAsMTag() {
        U a = user("tag-sync");
        String room = createRoom(a, map());
        ok(a.put(tag(a, room, "m.lowpriority"), map()));
        JsonNode initial = sync(a, null);
        Map<String, JsonNode> data = roomData(initial, room);
        assertTrue(data.get("m.tag").path("tags").has("m.lowpriority"), initial::toString);

        ok(a.put(tag(a, room, "u.new"), map("order", 0.5)));
        JsonNode s1 = sync(a, nextBatch(initial));
        JsonNode tagsNow = roomData(s1, room).get("m.tag").path("tags");
        assertTrue(tagsNow.has("m.lowpriority") && tagsNow.has("u.new"), s1::toString);

        JsonNode s2 = sync(a, nextBatch(s1));
        assertFalse(roomData(s2, room).containsKey("m.tag"), s2::toString);

        ok(a.delete(tag(a, room, "m.lowpriority")));
        JsonNode s3 = sync(a, nextBatch(s2));
        tagsNow = roomData(s3, room).get("m.tag").path("tags");
        assertFalse(tagsNow.has("m.lowpriority"), s3::toString);
        assertTrue(tagsNow.has("u.new"), s3::toString);

        // Putting the same tag again changes nothing and delivers nothing.
        ok(a.put(tag(a, room, "u.new"), map("order", 0.5)));
        JsonNode s4 = sync(a, nextBatch(s3));
        assertFalse(roomData(s4, room).containsKey("m.tag"), s4::toString);
    }
}
