package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.rooms.RoomVisibility;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.List;
import java.util.Map;

/**
 * GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event: the event closest to a timestamp in
 * the given direction, among the events the caller may see.
 */
public final class TimestampToEventApi {
    private static final int PAGE = 100;
    /** How many events are inspected before giving up on finding a visible one. */
    private static final int MAX_SCANNED = 5_000;

    private final RoomStore store;
    private final RoomVisibility visibility;

    public TimestampToEventApi(RoomStore store, RoomVisibility visibility) {
        this.store = store;
        this.visibility = visibility;
    }

    public void register(Routes r) {
        r.clientVersion("v1", "GET", "/rooms/{roomId}/timestamp_to_event", Access.USER, req -> {
            String roomId = req.param("roomId");
            if (!roomId.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + roomId);
            String tsParam = req.query("ts");
            String dir = req.query("dir");
            if (tsParam == null || tsParam.isEmpty()) throw MatrixException.missingParam("Missing query parameter 'ts'");
            if (dir == null || dir.isEmpty()) throw MatrixException.missingParam("Missing query parameter 'dir'");
            long ts;
            try {
                ts = Long.parseLong(tsParam);
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("Query parameter 'ts' must be an integer");
            }
            if (!dir.equals("f") && !dir.equals("b")) throw MatrixException.invalidParam("Query parameter 'dir' must be 'f' or 'b'");
            boolean forward = dir.equals("f");
            StoredEvent found = find(req.userId(), roomId, ts, forward);
            if (found == null) {
                throw MatrixException.notFound("Unable to find event from " + ts + " in " + (forward ? "forward" : "backward")
                        + " direction");
            }
            return Map.of("event_id", found.event().eventId(), "origin_server_ts", found.event().originServerTs());
        });
    }

    private StoredEvent find(String userId, String roomId, long ts, boolean forward) {
        // Start just outside ts so that events at exactly ts are included.
        long cursorTs = ts;
        long cursorNid = forward ? Long.MIN_VALUE : Long.MAX_VALUE;
        for (int scanned = 0; scanned < MAX_SCANNED; ) {
            List<StoredEvent> page = store.eventsByTimestamp(roomId, cursorTs, cursorNid, forward, PAGE);
            for (StoredEvent se : page) {
                if (visibility.canSee(userId, se)) return se;
            }
            if (page.size() < PAGE) return null;
            StoredEvent last = page.get(page.size() - 1);
            cursorTs = last.event().originServerTs();
            cursorNid = last.nid();
            scanned += page.size();
        }
        return null;
    }
}
