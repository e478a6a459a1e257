package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client.Resp;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.DirectoryFx.*;

/** GET/POST /publicRooms: fields, search, room types, ordering, pagination and errors. */
class DirectoryPublicRoomsTest {
    private static final String PUBLIC_ROOMS = V3 + "/publicRooms";

    private static String term() { return "zq" + Long.toString(System.nanoTime(), 36); }

    private static JsonNode search(U u, String term, Object... extra) {
        var body = map("filter", map("generic_search_term", term));
        for (int i = 0; i < extra.length; i += 2) body.put((String) extra[i], extra[i + 1]);
        return ok(u.post(PUBLIC_ROOMS, body));
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("chunk").forEach(r -> out.add(r.path("room_id").asText()));
        return out;
    }

    private static String published(U owner, java.util.Map<String, Object> body) {
        body.put("visibility", "public");
        if (!body.containsKey("preset")) body.put("preset", "public_chat");
        return createRoom(owner, body);
    }

    @Test
    void chunkFieldsAndSearch() {
        U owner = user("pr-owner");
        String t = term();
        String a = "#" + t + "alias:" + serverName();
        String roomId = published(owner, map("name", "Room " + t.toUpperCase(), "topic", "About things",
                "room_alias_name", t + "alias"));
        setState(owner, roomId, "m.room.avatar", "", map("url", "mxc://example.org/avatar"));
        setState(owner, roomId, "m.room.history_visibility", "", map("history_visibility", "world_readable"));
        setState(owner, roomId, "m.room.guest_access", "", map("guest_access", "can_join"));

        JsonNode page = search(owner, t);
        assertEquals(List.of(roomId), ids(page));
        JsonNode r = page.path("chunk").get(0);
        assertEquals(1, r.path("num_joined_members").asInt());
        assertTrue(r.path("world_readable").asBoolean());
        assertTrue(r.path("guest_can_join").asBoolean());
        assertEquals("Room " + t.toUpperCase(), r.path("name").asText());
        assertEquals("About things", r.path("topic").asText());
        assertEquals("mxc://example.org/avatar", r.path("avatar_url").asText());
        assertEquals(a, r.path("canonical_alias").asText());
        assertEquals("public", r.path("join_rule").asText());
        assertFalse(r.has("room_type"), r::toString);
        assertEquals(1, page.path("total_room_count_estimate").asInt());
        assertFalse(page.has("next_batch"));
        assertFalse(page.has("prev_batch"));

        // Case-insensitive on the name, the topic and the canonical alias.
        assertEquals(List.of(roomId), ids(search(owner, t.toUpperCase())));
        String topicRoom = published(owner, map("topic", "Topic mentions " + t + "-topic"));
        assertEquals(List.of(topicRoom), ids(search(owner, t + "-TOPIC")));
        assertEquals(List.of(roomId), ids(search(owner, t + "ALIAS:")));

        // Unpublishing removes it.
        ok(owner.put(V3 + "/directory/list/room/" + enc(roomId), map("visibility", "private")));
        assertEquals(List.of(), ids(search(owner, t + "alias")));
    }

    @Test
    void orderingAndPagination() {
        String t = term();
        U owner = user("pg-owner");
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = published(owner, map("name", t + " room " + i));
            // Room i gets i extra members: 4 rooms with 1..4 joined.
            for (int j = 0; j < i; j++) join(user("pg-member"), id);
            rooms.add(id);
        }
        List<String> expected = List.of(rooms.get(3), rooms.get(2), rooms.get(1), rooms.get(0));
        JsonNode all = search(owner, t);
        assertEquals(expected, ids(all));
        assertEquals(4, all.path("chunk").get(0).path("num_joined_members").asInt());
        assertEquals(4, all.path("total_room_count_estimate").asInt());

        // Forward through pages of 1..
        List<String> seen = new ArrayList<>();
        String since = null;
        JsonNode last = null;
        for (int i = 0; i < 4; i++) {
            JsonNode p = since == null ? search(owner, t, "limit", 1) : search(owner, t, "limit", 1, "since", since);
            assertEquals(1, p.path("chunk").size(), p::toString);
            assertEquals(i > 0, p.has("prev_batch"), p::toString);
            assertEquals(i < 3, p.has("next_batch"), p::toString);
            seen.addAll(ids(p));
            since = p.path("next_batch").asText(null);
            last = p;
        }
        assertEquals(expected, seen);
        // ..and back.
        JsonNode back = search(owner, t, "limit", 2, "since", last.path("prev_batch").asText());
        assertEquals(List.of(rooms.get(2), rooms.get(1)), ids(back));
        assertTrue(back.has("prev_batch") && back.has("next_batch"), back::toString);
        JsonNode first = search(owner, t, "limit", 2, "since", back.path("prev_batch").asText());
        assertEquals(List.of(rooms.get(3)), ids(first));
        assertFalse(first.has("prev_batch"), first::toString);

        // GET takes limit and since as query parameters (no filter: only check that paging is consistent).
        JsonNode g1 = ok(noServerError("anon", anon().get(PUBLIC_ROOMS + "?limit=2")));
        assertTrue(g1.path("chunk").size() <= 2);
        if (g1.has("next_batch")) {
            JsonNode g2 = ok(noServerError("anon", anon().get(PUBLIC_ROOMS + "?limit=2&since=" + enc(g1.path("next_batch").asText()))));
            for (String id : ids(g2)) assertFalse(ids(g1).contains(id), "pages overlap");
            JsonNode prev = g1.path("chunk").get(1);
            JsonNode next = g2.path("chunk").get(0);
            assertTrue(prev.path("num_joined_members").asInt() >= next.path("num_joined_members").asInt());
        }
    }

    @Test
    void roomTypes() {
        String t = term();
        U owner = user("rt-owner");
        String space = published(owner, map("name", t + " space", "creation_content", map("type", "m.space")));
        String plain = published(owner, map("name", t + " plain"));
        JsonNode spaces = search(owner, t, "filter", map("generic_search_term", t, "room_types", List.of("m.space")));
        assertEquals(List.of(space), ids(spaces));
        assertEquals("m.space", spaces.path("chunk").get(0).path("room_type").asText());
        java.util.List<Object> nullOnly = new ArrayList<>();
        nullOnly.add(null);
        assertEquals(List.of(plain), ids(search(owner, t, "filter", map("generic_search_term", t, "room_types", nullOnly))));
        nullOnly.add("m.space");
        assertEquals(2, ids(search(owner, t, "filter", map("generic_search_term", t, "room_types", nullOnly))).size());
        assertEquals(2, ids(search(owner, t, "filter", map("generic_search_term", t))).size());
        assertEquals(List.of(), ids(search(owner, t, "filter", map("generic_search_term", t, "room_types", List.of("m.other")))));
    }

    @Test
    void networksAndServers() {
        String t = term();
        U owner = user("net-owner");
        String id = published(owner, map("name", t));
        assertEquals(List.of(id), ids(search(owner, t, "include_all_networks", true)));
        assertEquals(List.of(), ids(search(owner, t, "third_party_instance_id", "irc")));
        err(owner.post(PUBLIC_ROOMS, map("include_all_networks", true, "third_party_instance_id", "irc")), 400, "M_INVALID_PARAM");

        ok(owner.post(PUBLIC_ROOMS + "?server=" + serverName(), map()));
        ok(noServerError("anon", anon().get(PUBLIC_ROOMS + "?server=" + serverName())));
        err(owner.post(PUBLIC_ROOMS + "?server=other.example", map()), 404, "M_NOT_FOUND");
        err(noServerError("anon", anon().get(PUBLIC_ROOMS + "?server=other.example")), 404, "M_NOT_FOUND");
        err(noServerError("anon", anon().get(PUBLIC_ROOMS + "?server=" + enc("bad server!"))), 400, "M_INVALID_PARAM");
    }

    @Test
    void badRequests() {
        U u = user("pr-bad");
        err(noServerError("anon", anon().get(PUBLIC_ROOMS + "?limit=abc")), 400, "M_INVALID_PARAM");
        err(noServerError("anon", anon().get(PUBLIC_ROOMS + "?limit=-1")), 400, "M_INVALID_PARAM");
        err(noServerError("anon", anon().get(PUBLIC_ROOMS + "?since=garbage")), 400, "M_INVALID_PARAM");
        err(u.post(PUBLIC_ROOMS, map("since", "%%%")), 400, "M_INVALID_PARAM");
        err(u.post(PUBLIC_ROOMS, map("limit", "10")), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, map("limit", -5)), 400, "M_INVALID_PARAM");
        err(u.post(PUBLIC_ROOMS, map("filter", "x")), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, map("filter", map("generic_search_term", 5))), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, map("filter", map("room_types", "m.space"))), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, map("filter", map("room_types", List.of(1)))), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, map("include_all_networks", "yes")), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, "[1]"), 400, "M_BAD_JSON");
        err(u.post(PUBLIC_ROOMS, "{"), 400, "M_NOT_JSON");
        Resp r = noServerError("anon", anon().post(PUBLIC_ROOMS, map()));
        err(r, 401, "M_MISSING_TOKEN");
        // An empty body means no filter.
        assertTrue(ok(u.post(PUBLIC_ROOMS, map())).path("chunk").isArray());
        assertTrue(ok(noServerError("anon", anon().get(PUBLIC_ROOMS))).path("chunk").isArray());
    }

    @Test
    void roomsWithoutMembersAreNotListed() {
        String t = term();
        U owner = user("empty-owner");
        String id = published(owner, map("name", t));
        assertEquals(List.of(id), ids(search(owner, t)));
        ok(owner.post(room(id) + "/leave", map()));
        assertEquals(List.of(), ids(search(owner, t)));
    }
}
