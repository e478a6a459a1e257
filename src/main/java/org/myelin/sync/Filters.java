package org.myelin.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.filters.FilterException;
import org.myelin.core.filters.RoomEventFilter;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.FilterStore;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Stored and inline filters: creation and lookup for the filter API, and turning the
 * {@code filter} query parameter of /sync, /messages and /context into a compiled filter.
 *
 * <p>Errors: a definition that is not JSON or does not follow the schema is 400 M_BAD_JSON with a
 * message naming the field; a {@code filter} parameter naming no filter of the user is 400
 * M_INVALID_PARAM. Stored filters are immutable, so compiled ones are cached without
 * invalidation; inline filters are cached by their text, since clients repeat the same one on
 * every /sync. Both caches are bounded.
 */
public final class Filters {
    /** Inline definitions longer than this are compiled per request rather than cached. */
    private static final int MAX_CACHED_INLINE = 4096;

    private record StoredKey(String userId, String filterId) {}

    private final FilterStore store;
    private final Cache<StoredKey, SyncFilter> stored = Caffeine.newBuilder().maximumSize(10_000).build();
    private final Cache<String, SyncFilter> inline = Caffeine.newBuilder().maximumSize(1_000).build();
    private final Cache<String, RoomEventFilter> inlineRoomEvent = Caffeine.newBuilder().maximumSize(1_000).build();

    public Filters(FilterStore store) { this.store = store; }

    /**
     * Validates a definition (a request body) and stores it for the user; returns the filter ID.
     * The stored text is the definition as given, compact, including fields this server does not
     * know.
     */
    public String create(String userId, JsonNode definition) {
        SyncFilter f = parse(definition);
        return store.create(userId, Json.writeString(f.json()));
    }

    /** The definition of one of the user's filters, as uploaded. */
    public Optional<ObjectNode> definition(String userId, String filterId) {
        return store.get(userId, filterId).map(s -> (ObjectNode) Json.parse(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The filter for a /sync request: {@code filterParam} is null or empty (no filter), inline JSON
     * (starts with '{'), or the ID of one of the user's filters.
     */
    public SyncFilter resolve(String userId, String filterParam) {
        if (filterParam == null || filterParam.isEmpty()) return SyncFilter.DEFAULT;
        if (filterParam.startsWith("{")) {
            if (filterParam.length() > MAX_CACHED_INLINE) return parse(parseText(filterParam));
            SyncFilter f = inline.getIfPresent(filterParam);
            if (f == null) {
                f = parse(parseText(filterParam));
                inline.put(filterParam, f);
            }
            return f;
        }
        StoredKey key = new StoredKey(userId, filterParam);
        SyncFilter f = stored.getIfPresent(key);
        if (f != null) return f;
        String json = store.get(userId, filterParam)
                .orElseThrow(() -> MatrixException.invalidParam("No filter with ID '" + abbreviate(filterParam) + "'"));
        try {
            f = SyncFilter.parse(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
        } catch (FilterException e) {
            throw MatrixException.invalidParam("Filter '" + filterParam + "' is no longer valid: " + e.getMessage());
        }
        stored.put(key, f);
        return f;
    }

    /**
     * The RoomEventFilter of /messages and /context: inline JSON only (these endpoints take no
     * filter IDs); null or empty means no filter.
     */
    public RoomEventFilter resolveRoomEventFilter(String json) {
        if (json == null || json.isEmpty()) return RoomEventFilter.ALL;
        if (json.length() > MAX_CACHED_INLINE) return parseRoomEventFilter(json);
        RoomEventFilter f = inlineRoomEvent.getIfPresent(json);
        if (f == null) {
            f = parseRoomEventFilter(json);
            inlineRoomEvent.put(json, f);
        }
        return f;
    }

    private static RoomEventFilter parseRoomEventFilter(String json) {
        try {
            return RoomEventFilter.parse(parseText(json));
        } catch (FilterException e) {
            throw MatrixException.badJson("Invalid filter: " + e.getMessage());
        }
    }

    private static SyncFilter parse(JsonNode definition) {
        try {
            return SyncFilter.parse(definition);
        } catch (FilterException e) {
            throw MatrixException.badJson("Invalid filter: " + e.getMessage());
        }
    }

    private static JsonNode parseText(String text) {
        try {
            return Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (MatrixException e) {
            throw MatrixException.badJson("Invalid filter: the filter parameter is not valid JSON");
        }
    }

    private static String abbreviate(String s) { return s.length() <= 40 ? s : s.substring(0, 37) + "..."; }
}
