package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.context;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.err;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.ids;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.memberKeys;
import static org.myelin.it.sync.SyncFx.messagesResp;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.sendEvent;
import static org.myelin.it.sync.SyncFx.setState;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.types;
import static org.myelin.it.sync.SyncFx.user;

/** Gap-free pagination between /sync and /messages, /messages in both directions and with filters, /context. */
class PaginationTest {
    private static final int N = 37;

    private static String limit(int n) { return filterJson(map("room", map("timeline", map("limit", n)))); }

    /** The room's whole history, oldest first, as one initial sync with a large limit shows it. */
    private static List<String> everything(U u, String roomId) {
        JsonNode tl = joined(sync(u, null, limit(1000)), roomId).path("timeline");
        assertFalse(tl.path("limited").asBoolean(), tl::toString);
        assertEquals("m.room.create", tl.path("events").get(0).path("type").asText(), tl::toString);
        return ids(tl.path("events"));
    }

    @Test
    void backwardPaginationFromPrevBatchIsGapFree() {
        U a = user("pg-a");
        U b = user("pg-b");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        for (int i = 0; i < N; i++) send(i % 3 == 0 ? b : a, roomId, "msg " + i);
        List<String> all = everything(a, roomId);
        assertEquals(N, bodies(joined(sync(a, null, limit(1000)), roomId).path("timeline").path("events")).size());

        JsonNode tl = joined(sync(a, null, limit(5)), roomId).path("timeline");
        assertTrue(tl.path("limited").asBoolean(), tl::toString);
        List<String> got = new ArrayList<>(ids(tl.path("events")));
        assertEquals(all.subList(all.size() - 5, all.size()), got);
        String from = tl.path("prev_batch").asText();
        for (int page = 0; page < 100; page++) {
            JsonNode m = ok(messagesResp(a, roomId, "b", from, null, 7, null));
            assertEquals(from, m.path("start").asText(), m::toString);
            List<String> chunk = ids(m.path("chunk"));
            assertTrue(chunk.size() <= 7, m::toString);
            for (String id : chunk) got.add(0, id);
            if (!m.has("end")) break;
            from = m.path("end").asText();
        }
        assertEquals(all, got, "sync timeline + /messages pages = the whole room, in order, no gap, no overlap");
        // Past the start of the room: nothing, and no end.
        JsonNode first = ok(messagesResp(a, roomId, "b", null, null, 1000, null));
        assertFalse(first.has("end"), "end is omitted when the start of the room is reached: " + first);
    }

    @Test
    void incrementalGapIsFilledBetweenSinceAndPrevBatch() {
        U a = user("pg-gap");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String since = sync(a, null, limit(5)).path("next_batch").asText();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) sent.add(send(a, roomId, "g" + i));
        JsonNode tl = joined(sync(a, since, limit(5)), roomId).path("timeline");
        assertTrue(tl.path("limited").asBoolean(), tl::toString);
        assertEquals(sent.subList(15, 20), ids(tl.path("events")));
        String prev = tl.path("prev_batch").asText();

        // Backwards from prev_batch to since: exactly the gap, newest first.
        JsonNode back = ok(messagesResp(a, roomId, "b", prev, since, 100, null));
        List<String> gap = new ArrayList<>(ids(back.path("chunk")));
        java.util.Collections.reverse(gap);
        assertEquals(sent.subList(0, 15), gap, back::toString);
        // Forwards from since to prev_batch: the same gap, oldest first, in pages.
        List<String> fwd = new ArrayList<>();
        String from = since;
        for (int i = 0; i < 10; i++) {
            JsonNode f = ok(messagesResp(a, roomId, "f", from, prev, 4, null));
            fwd.addAll(ids(f.path("chunk")));
            if (f.path("chunk").isEmpty() || !f.has("end")) break;
            from = f.path("end").asText();
        }
        assertEquals(sent.subList(0, 15), fwd);
    }

    @Test
    void forwardPaginationFromAToken() {
        U a = user("pg-f");
        String roomId = createRoom(a, map("preset", "public_chat"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) sent.add(send(a, roomId, "f" + i));
        // dir=f with no from starts at the beginning of the room.
        JsonNode start = ok(messagesResp(a, roomId, "f", null, null, 3, null));
        assertEquals("m.room.create", start.path("chunk").get(0).path("type").asText(), start::toString);
        // dir=f from a backward page's end continues from there, chronologically.
        JsonNode back = ok(messagesResp(a, roomId, "b", null, null, 5, null));
        List<String> newest5 = new ArrayList<>(ids(back.path("chunk")));
        java.util.Collections.reverse(newest5);
        assertEquals(sent.subList(3, 8), newest5);
        JsonNode fwd = ok(messagesResp(a, roomId, "f", back.path("end").asText(), null, 10, null));
        assertEquals(sent.subList(3, 8), ids(fwd.path("chunk")), fwd::toString);
        JsonNode fwd2 = ok(messagesResp(a, roomId, "f", back.path("end").asText(), null, 2, null));
        assertEquals(sent.subList(3, 5), ids(fwd2.path("chunk")), fwd2::toString);
        JsonNode fwd3 = ok(messagesResp(a, roomId, "f", fwd2.path("end").asText(), null, 2, null));
        assertEquals(sent.subList(5, 7), ids(fwd3.path("chunk")), fwd3::toString);
        // A sync's next_batch is a valid from: forward from it there is nothing yet.
        String next = sync(a, null, null).path("next_batch").asText();
        JsonNode none = ok(messagesResp(a, roomId, "f", next, null, 10, null));
        assertEquals(0, none.path("chunk").size(), none::toString);
        String later = send(a, roomId, "later");
        assertEquals(List.of(later), ids(ok(messagesResp(a, roomId, "f", next, null, 10, null)).path("chunk")));
        // Backwards from next_batch gives the newest events.
        JsonNode fromNext = ok(messagesResp(a, roomId, "b", next, null, 2, null));
        assertEquals(List.of(sent.get(7), sent.get(6)), ids(fromNext.path("chunk")));
    }

    @Test
    void messagesValidatesParameters() {
        U a = user("pg-v");
        String roomId = createRoom(a, map());
        err(messagesResp(a, roomId, "x", null, null, null, null), 400, "M_INVALID_PARAM");
        err(a.get(SyncFx.room(roomId) + "/messages"), 400, "M_MISSING_PARAM");
        err(messagesResp(a, roomId, "b", "nonsense", null, null, null), 400, "M_INVALID_PARAM");
        err(messagesResp(a, roomId, "b", null, null, null, "{not json"), 400, "M_BAD_JSON");
        U stranger = user("pg-v2");
        err(messagesResp(stranger, roomId, "b", null, null, null, null), 403, "M_FORBIDDEN");
        // limit 0 is allowed and gives an empty chunk.
        assertEquals(0, ok(messagesResp(a, roomId, "b", null, null, 0, null)).path("chunk").size());
    }

    @Test
    void messagesWithFilter() {
        U a = user("pg-fa");
        U b = user("pg-fb");
        U c = user("pg-fc");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        join(c, roomId);
        send(a, roomId, "from a");
        sendEvent(b, roomId, "org.example.custom", map("x", 1));
        send(b, roomId, "from b");
        send(c, roomId, "from c");
        sendEvent(a, roomId, "m.reaction.like", map("y", 1));

        JsonNode onlyMessages = ok(messagesResp(a, roomId, "b", null, null, 50,
                filterJson(map("types", List.of("m.room.message")))));
        assertEquals(List.of("from c", "from b", "from a"), bodies(onlyMessages.path("chunk")));
        assertTrue(types(onlyMessages.path("chunk")).stream().allMatch("m.room.message"::equals));

        JsonNode wildcard = ok(messagesResp(a, roomId, "b", null, null, 50,
                filterJson(map("types", List.of("org.example.*", "m.reaction.*")))));
        assertEquals(List.of("m.reaction.like", "org.example.custom"), types(wildcard.path("chunk")));

        JsonNode notB = ok(messagesResp(a, roomId, "b", null, null, 50,
                filterJson(map("types", List.of("m.room.message"), "not_senders", List.of(b.id())))));
        assertEquals(List.of("from c", "from a"), bodies(notB.path("chunk")));

        JsonNode notTypes = ok(messagesResp(a, roomId, "b", null, null, 3, filterJson(map("not_types", List.of("m.room.*")))));
        assertEquals(List.of("m.reaction.like", "org.example.custom"), types(notTypes.path("chunk")));

        // Lazy loading: state carries the member events of the chunk's senders, and only those.
        JsonNode lazy = ok(messagesResp(a, roomId, "b", null, null, 2,
                filterJson(map("types", List.of("m.room.message"), "lazy_load_members", true))));
        assertEquals(List.of("from c", "from b"), bodies(lazy.path("chunk")));
        List<String> members = memberKeys(lazy.path("state"));
        members.sort(null);
        List<String> expected = new ArrayList<>(List.of(b.id(), c.id()));
        expected.sort(null);
        assertEquals(expected, members, lazy::toString);
        for (JsonNode e : lazy.path("state")) assertEquals("join", e.path("content").path("membership").asText());
        // Without lazy loading there is no state.
        assertFalse(onlyMessages.has("state") && onlyMessages.path("state").size() > 0, onlyMessages::toString);
    }

    @Test
    void contextSplitsTheLimitAndItsTokensWorkWithMessages() {
        U a = user("pg-ctx");
        String roomId = createRoom(a, map("preset", "public_chat", "name", "ctx"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) sent.add(send(a, roomId, "c" + i));
        String target = sent.get(10);
        JsonNode ctx = ok(context(a, roomId, target, 6, null));
        assertEquals(target, ctx.path("event").path("event_id").asText());
        assertEquals(List.of(sent.get(9), sent.get(8), sent.get(7)), ids(ctx.path("events_before")), "newest first");
        assertEquals(List.of(sent.get(11), sent.get(12), sent.get(13)), ids(ctx.path("events_after")), "oldest first");
        JsonNode st = ctx.path("state");
        assertTrue(find(st, "m.room.create", "").isObject(), st::toString);
        assertEquals("ctx", find(st, "m.room.name", "").path("content").path("name").asText(), st::toString);
        assertTrue(find(st, "m.room.member", a.id()).isObject(), st::toString);

        JsonNode before = ok(messagesResp(a, roomId, "b", ctx.path("start").asText(), null, 2, null));
        assertEquals(List.of(sent.get(6), sent.get(5)), ids(before.path("chunk")), before::toString);
        JsonNode after = ok(messagesResp(a, roomId, "f", ctx.path("end").asText(), null, 2, null));
        assertEquals(List.of(sent.get(14), sent.get(15)), ids(after.path("chunk")), after::toString);

        // Odd limit: the extra one goes after. Limit 0: just the event.
        JsonNode odd = ok(context(a, roomId, target, 3, null));
        assertEquals(1, odd.path("events_before").size());
        assertEquals(2, odd.path("events_after").size());
        JsonNode zero = ok(context(a, roomId, target, 0, null));
        assertEquals(target, zero.path("event").path("event_id").asText());
        assertEquals(0, zero.path("events_before").size() + zero.path("events_after").size());

        // Unknown event, or one of another room: 404.
        err(context(a, roomId, "$nope", null, null), 404, "M_NOT_FOUND");
        String other = createRoom(a, map());
        err(context(a, other, target, null, null), 404, "M_NOT_FOUND");
    }

    @Test
    void contextWithFilterAppliesToEventsAndState() {
        U a = user("pg-cf");
        U b = user("pg-cf2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        send(a, roomId, "a1");
        sendEvent(b, roomId, "org.example.noise", map());
        String target = send(b, roomId, "b1");
        sendEvent(a, roomId, "org.example.noise", map());
        send(a, roomId, "a2");
        setState(a, roomId, "m.room.topic", "", map("topic", "t"));
        JsonNode ctx = ok(context(a, roomId, target, 4,
                filterJson(map("types", List.of("m.room.message", "m.room.member"), "lazy_load_members", true))));
        assertEquals(List.of("a1"), bodies(ctx.path("events_before")).subList(0, 1), ctx::toString);
        assertTrue(types(ctx.path("events_before")).stream().noneMatch("org.example.noise"::equals), ctx::toString);
        assertEquals(List.of("a2"), bodies(ctx.path("events_after")), ctx::toString);
        // Lazy loading: members of the senders shown; the type filter applies to the state too.
        List<String> members = memberKeys(ctx.path("state"));
        assertTrue(members.contains(a.id()) && members.contains(b.id()), ctx::toString);
        assertTrue(types(ctx.path("state")).stream().allMatch("m.room.member"::equals), ctx::toString);
    }
}
