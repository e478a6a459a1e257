package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.it.Fixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the typing, presence, to-device and device tests: the shared helpers of
 * {@link Fixtures}, plus accessors into the ephemeral parts of sync responses and a sync loop that
 * waits for one.
 */
final class EphemeralFx extends Fixtures {
    private EphemeralFx() {}

    /** An initial sync's next_batch (timeout 0). */
    static String position(U u) { return nextBatch(sync(u, null, 0)); }

    /** The m.typing user_ids of a room in a sync response, or null when the room has no m.typing. */
    static List<String> typingIn(JsonNode sync, String roomId) {
        for (JsonNode e : joined(sync, roomId).path("ephemeral").path("events")) {
            if ("m.typing".equals(e.path("type").asText())) {
                List<String> ids = new ArrayList<>();
                e.path("content").path("user_ids").forEach(n -> ids.add(n.asText()));
                return ids;
            }
        }
        return null;
    }

    /** The m.presence content for a user in a sync response, or null. */
    static JsonNode presenceOf(JsonNode sync, String userId) {
        JsonNode found = null;
        for (JsonNode e : sync.path("presence").path("events")) {
            if ("m.presence".equals(e.path("type").asText()) && userId.equals(e.path("sender").asText())) found = e.path("content");
        }
        return found;
    }

    static List<JsonNode> toDevice(JsonNode sync) {
        List<JsonNode> out = new ArrayList<>();
        sync.path("to_device").path("events").forEach(out::add);
        return out;
    }

    /**
     * Syncs incrementally (long-polling) from since until a response satisfies the predicate or
     * the deadline passes; returns that response (its next_batch continues from there).
     */
    static JsonNode syncUntil(U u, String since, long deadlineMs, Predicate<JsonNode> until) {
        long end = System.currentTimeMillis() + deadlineMs;
        String pos = since;
        while (System.currentTimeMillis() < end) {
            long left = Math.max(0, end - System.currentTimeMillis());
            JsonNode s = sync(u, pos, Math.min(left, 5_000));
            if (until.test(s)) return s;
            pos = nextBatch(s);
        }
        fail("no matching sync response for " + u + " within " + deadlineMs + " ms");
        return null;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
