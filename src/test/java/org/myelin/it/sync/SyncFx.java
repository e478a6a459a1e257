package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.it.Client.Resp;
import org.myelin.it.Fixtures;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixtures for the sync and history tests: the shared helpers of {@link Fixtures}, plus rooms with
 * a history visibility, lookups in event lists, and /messages and /context helpers.
 */
final class SyncFx extends Fixtures {
    private SyncFx() {}

    /** A public room with the given history visibility. */
    static String roomWith(U creator, String historyVisibility) {
        return createRoom(creator, map("preset", "public_chat", "initial_state",
                List.of(map("type", "m.room.history_visibility", "content", map("history_visibility", historyVisibility)))));
    }

    /** The last event with this type and state key in a list, or a missing node. */
    static JsonNode find(JsonNode events, String type, String stateKey) {
        JsonNode found = missing();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals(type) && (stateKey == null || stateKey.equals(e.path("state_key").asText(null)))) {
                found = e;
            }
        }
        return found;
    }

    static JsonNode findId(JsonNode events, String eventId) {
        for (JsonNode e : events) if (eventId.equals(e.path("event_id").asText())) return e;
        return missing();
    }

    /** Member state keys of the m.room.member events in a list. */
    static List<String> memberKeys(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> {
            if ("m.room.member".equals(e.path("type").asText())) out.add(e.path("state_key").asText());
        });
        return out;
    }

    // ------------------------------------------------------------------ history

    static Resp messagesResp(U u, String roomId, String dir, String from, String to, Integer limit, String filter) {
        StringBuilder q = new StringBuilder(room(roomId) + "/messages?dir=" + dir);
        if (from != null) q.append("&from=").append(enc(from));
        if (to != null) q.append("&to=").append(enc(to));
        if (limit != null) q.append("&limit=").append(limit);
        if (filter != null) q.append("&filter=").append(enc(filter));
        return u.get(q.toString());
    }

    static JsonNode messages(U u, String roomId, String dir, String from, Integer limit) {
        return ok(messagesResp(u, roomId, dir, from, null, limit, null));
    }

    /** Every event a user can page through backwards from the present, oldest first. */
    static List<JsonNode> allBackwards(U u, String roomId) {
        List<JsonNode> out = new ArrayList<>();
        String from = null;
        for (int i = 0; i < 1000; i++) {
            JsonNode m = ok(messagesResp(u, roomId, "b", from, null, 50, null));
            m.path("chunk").forEach(e -> out.add(0, e));
            if (!m.has("end")) return out;
            from = m.path("end").asText();
        }
        throw new AssertionError("pagination did not end");
    }

    static Resp context(U u, String roomId, String eventId, Integer limit, String filter) {
        StringBuilder q = new StringBuilder(room(roomId) + "/context/" + enc(eventId) + "?");
        if (limit != null) q.append("limit=").append(limit).append('&');
        if (filter != null) q.append("filter=").append(enc(filter));
        return u.get(q.toString());
    }

    static Resp event(U u, String roomId, String eventId) { return u.get(room(roomId) + "/event/" + enc(eventId)); }
}
