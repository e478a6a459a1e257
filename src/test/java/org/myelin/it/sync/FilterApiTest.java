package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.http.Json;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /user/{userId}/filter and GET /user/{userId}/filter/{filterId}. */
class FilterApiTest {
    private static final String V3 = "/_matrix/client/v3";
    private static final String SPEC_EXAMPLE = """
            {"room": {"state": {"types": ["m.room.*"], "not_rooms": ["!726s6s6q:example.com"]},
                      "timeline": {"limit": 10, "types": ["m.room.message"], "not_rooms": ["!726s6s6q:example.com"],
                                   "not_senders": ["@spam:example.com"]},
                      "ephemeral": {"types": ["m.receipt", "m.typing"], "not_rooms": ["!726s6s6q:example.com"],
                                    "not_senders": ["@spam:example.com"]}},
             "presence": {"types": ["m.presence"], "not_senders": ["@alice:example.com"]},
             "event_format": "client", "event_fields": ["type", "content", "sender"]}""";

    private static final Client c = new Client(TestServer.shared().port());
    private static User alice;
    private static User bob;

    @BeforeAll
    static void users() {
        alice = c.register("filter-a");
        bob = c.register("filter-b");
    }

    private static String path(User u) { return V3 + "/user/" + Client.enc(u.userId()) + "/filter"; }

    private static String path(User u, String filterId) { return path(u) + "/" + Client.enc(filterId); }

    private static JsonNode json(String s) {
        return Json.parse(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static Resp ok(Resp r) {
        assertEquals(200, r.status(), () -> "unexpected response " + r);
        assertTrue(r.body().isObject(), r::toString);
        return r;
    }

    private static Resp err(Resp r, int status, String errcode) {
        assertEquals(status, r.status(), () -> "unexpected response " + r);
        assertEquals(errcode, r.errcode(), r::toString);
        assertTrue(r.body().path("error").isTextual(), r::toString);
        return r;
    }

    private static String upload(User u, String definition) {
        Resp r = ok(c.as(u).post(path(u), definition.replace('\'', '"')));
        String id = r.str("filter_id");
        assertNotNull(id, r::toString);
        assertTrue(r.body().get("filter_id").isTextual(), r::toString);
        assertFalse(id.isEmpty() || id.startsWith("{"), r::toString);
        return id;
    }

    @Test
    void createAndDownloadTheSpecExample() {
        String id = upload(alice, SPEC_EXAMPLE);
        Resp got = ok(c.as(alice).get(path(alice, id)));
        assertEquals(json(SPEC_EXAMPLE), got.body());
    }

    @Test
    void definitionsRoundTripExactlyIncludingUnknownFields() {
        // What matrix-js-sdk uploads and later downloads to compare with its own definition.
        String def = """
                {'room': {'timeline': {'limit': 20, 'org.matrix.msc3773.unread_thread_notifications': true},
                          'state': {'lazy_load_members': true}, 'include_leave': false},
                 'org.example.future': {'anything': [1, 'two', null, 3.5]}}""";
        String id = upload(alice, def);
        assertEquals(json(def), ok(c.as(alice).get(path(alice, id))).body());
        assertEquals(json("{}"), ok(c.as(alice).get(path(alice, upload(alice, "{}")))).body());
    }

    @Test
    void idsArePerUserIncreasingAndReusedForIdenticalDefinitions() {
        User u = c.register("filter-ids");
        String first = upload(u, "{'room': {'timeline': {'limit': 1}}}");
        String second = upload(u, "{'room': {'timeline': {'limit': 2}}}");
        assertEquals("0", first);
        assertEquals("1", second);
        assertEquals(first, upload(u, "{'room': {'timeline': {'limit': 1}}}"), "same definition, same ID");
        assertEquals("2", upload(u, "{'room': {'timeline': {'limit': 3}}}"));
        assertEquals(1, ok(c.as(u).get(path(u, first))).body().at("/room/timeline/limit").asInt());
        assertEquals(2, ok(c.as(u).get(path(u, second))).body().at("/room/timeline/limit").asInt());
    }

    @Test
    void concurrentUploadsGetDistinctIds() throws Exception {
        User u = c.register("filter-race");
        int n = 16;
        List<Future<String>> ids = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 1; i <= n; i++) {
                String def = "{'room': {'timeline': {'limit': " + i + "}}}";
                ids.add(pool.submit(() -> upload(u, def)));
            }
        }
        Set<String> distinct = new TreeSet<>();
        for (Future<String> f : ids) distinct.add(f.get());
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < n; i++) expected.add(Integer.toString(i));
        assertEquals(expected, distinct);
        for (int i = 0; i < n; i++) {
            int limit = ok(c.as(u).get(path(u, ids.get(i).get()))).body().at("/room/timeline/limit").asInt();
            assertEquals(i + 1, limit);
        }
    }

    @Test
    void legacyPrefix() {
        String r0 = "/_matrix/client/r0/user/" + Client.enc(alice.userId()) + "/filter";
        Resp r = ok(c.as(alice).post(r0, Map.of("event_format", "federation")));
        assertEquals("federation", ok(c.as(alice).get(r0 + "/" + r.str("filter_id"))).str("event_format"));
    }

    @Test
    void onlyForYourself() {
        err(c.as(bob).post(path(alice), "{}"), 403, "M_FORBIDDEN");
        String ghost = "@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME;
        err(c.as(bob).post(V3 + "/user/" + Client.enc(ghost) + "/filter", "{}"), 403, "M_FORBIDDEN");
        err(c.as(bob).post(V3 + "/user/not-a-user-id/filter", "{}"), 403, "M_FORBIDDEN");
    }

    @Test
    void anotherUsersFilterIsNotFound() {
        String id = upload(alice, "{'presence': {'not_types': ['*']}}");
        err(c.as(bob).get(path(alice, id)), 404, "M_NOT_FOUND");
        User fresh = c.register("filter-fresh");
        err(c.as(fresh).get(path(fresh, id)), 404, "M_NOT_FOUND");
        err(c.as(fresh).get(path(fresh, "0")), 404, "M_NOT_FOUND");
    }

    @ParameterizedTest
    @CsvSource({"999999", "abc", "-1", "01", "1.0", "{}", "99999999999999999999999"})
    void unknownIdsAreNotFound(String id) {
        upload(alice, "{'account_data': {'limit': 4}}");
        err(c.as(alice).get(path(alice, id)), 404, "M_NOT_FOUND");
    }

    @Test
    void needsAFullAccount() {
        err(c.post(path(alice), "{}"), 401, "M_MISSING_TOKEN");
        err(c.get(path(alice, "0")), 401, "M_MISSING_TOKEN");
        Resp g = ok(c.post(V3 + "/register?kind=guest", Map.of()));
        Client guest = c.as(g.str("access_token"));
        String gp = V3 + "/user/" + Client.enc(g.str("user_id")) + "/filter";
        err(guest.post(gp, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
        err(guest.get(gp + "/0"), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }

    /** An invalid definition, and the field its error message must name. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "[]                                                    | filter",
            "'room'                                                | filter",
            "{'event_fields': 'type'}                              | event_fields",
            "{'event_format': 'xml'}                               | event_format",
            "{'presence': {'limit': 0}}                            | presence.limit",
            "{'presence': {'senders': ['alice']}}                  | presence.senders",
            "{'account_data': {'types': 'm.push_rules'}}           | account_data.types",
            "{'room': []}                                          | room",
            "{'room': {'rooms': ['#alias:example.com']}}           | room.rooms",
            "{'room': {'include_leave': 'yes'}}                    | room.include_leave",
            "{'room': {'timeline': {'limit': -1}}}                 | room.timeline.limit",
            "{'room': {'timeline': {'limit': 2.5}}}                | room.timeline.limit",
            "{'room': {'state': {'lazy_load_members': 1}}}         | room.state.lazy_load_members",
            "{'room': {'ephemeral': {'not_senders': [null]}}}      | room.ephemeral.not_senders",
            "{'room': {'account_data': {'contains_url': 'true'}}}  | room.account_data.contains_url",
    })
    void invalidFiltersAreRejectedWithTheField(String definition, String field) {
        Resp r = err(c.as(alice).post(path(alice), definition.replace('\'', '"')), 400, "M_BAD_JSON");
        assertTrue(r.str("error").contains(field), r::toString);
    }

    @Test
    void bodyMustBeJson() {
        err(c.as(alice).post(path(alice), "{not json"), 400, "M_NOT_JSON");
        err(c.as(alice).send("POST", path(alice), null), 400, "M_NOT_JSON");
    }

    @Test
    void invalidUploadsStoreNothing() {
        User u = c.register("filter-invalid");
        err(c.as(u).post(path(u), "{\"room\": {\"timeline\": {\"limit\": 0}}}"), 400, "M_BAD_JSON");
        err(c.as(u).get(path(u, "0")), 404, "M_NOT_FOUND");
        assertEquals("0", upload(u, "{}"));
        assertEquals("0", upload(u, "{}"), "identical upload reuses the ID");
    }
}
