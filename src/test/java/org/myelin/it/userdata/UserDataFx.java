package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.it.Fixtures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the per-user data tests (account data, tags, ignoring, receipts, read markers): the
 * shared helpers of {@link Fixtures}, plus per-user paths and accessors into the account data and
 * receipts of sync responses.
 */
final class UserDataFx extends Fixtures {
    private UserDataFx() {}

    static String accountData(U u, String type) { return V3 + "/user/" + enc(u.id()) + "/account_data/" + enc(type); }

    static String roomAccountData(U u, String roomId, String type) {
        return V3 + "/user/" + enc(u.id()) + "/rooms/" + enc(roomId) + "/account_data/" + enc(type);
    }

    static String tags(U u, String roomId) { return V3 + "/user/" + enc(u.id()) + "/rooms/" + enc(roomId) + "/tags"; }

    static String receipt(String roomId, String type, String eventId) {
        return room(roomId) + "/receipt/" + enc(type) + "/" + enc(eventId);
    }

    // ------------------------------------------------------------------ sync

    static JsonNode syncFiltered(U u, String since, String filterJson) { return sync(u, since, filterJson); }

    /** Top-level account data events of a sync, by type (absent types are missing). */
    static Map<String, JsonNode> globalAccountData(JsonNode sync) { return byType(sync.path("account_data").path("events")); }

    static Map<String, JsonNode> roomData(JsonNode sync, String roomId) {
        return byType(joined(sync, roomId).path("account_data").path("events"));
    }

    private static Map<String, JsonNode> byType(JsonNode events) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            if (out.containsKey(type)) fail("account data type " + type + " delivered twice in one sync: " + events);
            out.put(type, e.path("content"));
        }
        return out;
    }

    /** The m.receipt events in a joined room's ephemeral section. */
    static List<JsonNode> receiptEvents(JsonNode sync, String roomId) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : joined(sync, roomId).path("ephemeral").path("events")) {
            if ("m.receipt".equals(e.path("type").asText())) out.add(e);
        }
        return out;
    }

    /** The receipt of a user of a type in a room's m.receipt events: its event ID and body, or null. */
    record Seen(String eventId, JsonNode receipt) {}

    static Seen receiptOf(JsonNode sync, String roomId, String type, String userId) {
        Seen found = null;
        for (JsonNode e : receiptEvents(sync, roomId)) {
            var it = e.path("content").properties().iterator();
            while (it.hasNext()) {
                var en = it.next();
                JsonNode r = en.getValue().path(type).path(userId);
                if (!r.isMissingNode()) found = new Seen(en.getKey(), r);
            }
        }
        return found;
    }

    static List<String> timelineBodies(JsonNode sync, String roomId) { return bodies(timeline(sync, roomId)); }

    static List<String> timelineTypes(JsonNode sync, String roomId) { return types(timeline(sync, roomId)); }
}
