package org.myelin.sync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.core.filters.RoomEventFilter;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.FilterStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filter query parameter of /sync, /messages and /context, over an in-memory store. */
class FiltersTest {
    private static final String ALICE = "@alice:x";
    private static final String BOB = "@bob:x";

    /** Per user, the filters in upload order; counts reads to show the cache at work. */
    private static final class MemoryStore implements FilterStore {
        final Map<String, Map<String, String>> byUser = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public String create(String userId, String json) {
            Map<String, String> m = byUser.computeIfAbsent(userId, k -> new HashMap<>());
            String id = Integer.toString(m.size());
            m.put(id, json);
            return id;
        }

        @Override
        public Optional<String> get(String userId, String filterId) {
            reads.incrementAndGet();
            return Optional.ofNullable(byUser.getOrDefault(userId, Map.of()).get(filterId));
        }
    }

    private final MemoryStore store = new MemoryStore();
    private final Filters filters = new Filters(store);

    private static MatrixException error(Runnable r, String errcode) {
        MatrixException e = assertThrows(MatrixException.class, r::run);
        assertEquals(400, e.status());
        assertEquals(errcode, e.errcode(), e::getMessage);
        return e;
    }

    @Test
    void noFilterIsTheDefault() {
        assertSame(SyncFilter.DEFAULT, filters.resolve(ALICE, null));
        assertSame(SyncFilter.DEFAULT, filters.resolve(ALICE, ""));
        assertSame(RoomEventFilter.ALL, filters.resolveRoomEventFilter(null));
        assertSame(RoomEventFilter.ALL, filters.resolveRoomEventFilter(""));
    }

    @Test
    void storedFiltersByIdOfTheUserOnly() {
        String id = filters.create(ALICE, Json.MAPPER.valueToTree(Map.of("room", Map.of("timeline", Map.of("limit", 3)))));
        SyncFilter f = filters.resolve(ALICE, id);
        assertEquals(3, f.room().timeline().limit(10));
        assertSame(f, filters.resolve(ALICE, id), "compiled once, then cached");
        assertEquals(1, store.reads.get());
        MatrixException e = error(() -> filters.resolve(BOB, id), "M_INVALID_PARAM");
        assertTrue(e.getMessage().contains("No filter"), e::getMessage);
        error(() -> filters.resolve(ALICE, "42"), "M_INVALID_PARAM");
        error(() -> filters.resolve(ALICE, " {}"), "M_INVALID_PARAM");
    }

    @Test
    void createRejectsInvalidDefinitionsAndStoresNothing() {
        MatrixException e = error(() -> filters.create(ALICE, Json.MAPPER.valueToTree(Map.of("event_format", "x"))), "M_BAD_JSON");
        assertTrue(e.getMessage().contains("event_format"), e::getMessage);
        assertTrue(store.byUser.isEmpty());
    }

    @Test
    void definitionsComeBackAsUploaded() {
        var def = Json.MAPPER.valueToTree(Map.of("org.example", java.util.List.of(1, "a"), "event_fields", java.util.List.of("type")));
        String id = filters.create(ALICE, def);
        assertEquals(def, filters.definition(ALICE, id).orElseThrow());
        assertFalse(filters.definition(BOB, id).isPresent());
    }

    @Test
    void inlineSyncFilter() {
        String json = "{\"room\":{\"timeline\":{\"limit\":2,\"types\":[\"m.room.message\"]}},\"event_format\":\"federation\"}";
        SyncFilter f = filters.resolve(ALICE, json);
        assertTrue(f.federationFormat());
        assertEquals(2, f.room().timeline().limit(10));
        assertFalse(f.room().timeline().matches("!r:x", "m.room.name", "@a:x", null));
        assertSame(f, filters.resolve(BOB, json), "inline filters are cached by their text");
        assertEquals(0, store.reads.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"room\": }", "{} {}", "{\"a\":1,\"a\":2}"})
    void inlineThatIsNotJson(String json) {
        error(() -> filters.resolve(ALICE, json), "M_BAD_JSON");
        error(() -> filters.resolveRoomEventFilter(json), "M_BAD_JSON");
    }

    @Test
    void inlineThatBreaksTheSchema() {
        MatrixException e = error(() -> filters.resolve(ALICE, "{\"room\":{\"timeline\":{\"limit\":0}}}"), "M_BAD_JSON");
        assertTrue(e.getMessage().contains("room.timeline.limit"), e::getMessage);
        e = error(() -> filters.resolveRoomEventFilter("{\"lazy_load_members\":\"yes\"}"), "M_BAD_JSON");
        assertTrue(e.getMessage().contains("lazy_load_members"), e::getMessage);
        error(() -> filters.resolveRoomEventFilter("[]"), "M_BAD_JSON");
        error(() -> filters.resolveRoomEventFilter("0"), "M_BAD_JSON");
    }

    @Test
    void roomEventFilterForMessages() {
        RoomEventFilter f = filters.resolveRoomEventFilter("{\"lazy_load_members\":true,\"limit\":5,\"not_types\":[\"m.room.member\"]}");
        assertTrue(f.lazyLoadMembers());
        assertEquals(5, f.limit(10));
        assertFalse(f.matches("!r:x", "m.room.member", "@a:x", null));
        assertSame(f, filters.resolveRoomEventFilter("{\"lazy_load_members\":true,\"limit\":5,\"not_types\":[\"m.room.member\"]}"));
        String big = "{\"not_senders\":[" + "\"@a:x\",".repeat(1000) + "\"@b:x\"]}";
        assertFalse(filters.resolveRoomEventFilter(big).matches("!r:x", "m.room.message", "@b:x", null));
    }
}
