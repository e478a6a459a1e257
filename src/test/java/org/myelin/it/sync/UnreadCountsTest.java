package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.*;

/** unread_notifications is always present; unread_thread_notifications only when the filter asks for it. */
class UnreadCountsTest {

    @Test
    void countsArePresentAndThreadCountsFollowTheFilter() {
        U a = user("uc-a");
        String roomId = createRoom(a, map("preset", "private_chat"));
        send(a, roomId, "hello");
        JsonNode plain = joined(initialSync(a), roomId);
        assertEquals(0, plain.path("unread_notifications").path("notification_count").asInt(-1), plain::toString);
        assertEquals(0, plain.path("unread_notifications").path("highlight_count").asInt(-1), plain::toString);
        assertFalse(plain.has("unread_thread_notifications"), plain::toString);

        String filter = filterJson(map("room", map("timeline", map("unread_thread_notifications", true))));
        JsonNode threaded = joined(sync(a, null, filter), roomId);
        assertTrue(threaded.path("unread_thread_notifications").isObject(), threaded::toString);
    }
}
