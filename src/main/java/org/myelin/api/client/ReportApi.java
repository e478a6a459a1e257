package org.myelin.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.rooms.RoomService;
import org.myelin.rooms.RoomVisibility;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.Map;

/**
 * Reporting content (spec module "Reporting Content"): reports of events (the reporter must be
 * joined and able to see the event) and of whole rooms (no membership needed), stored for server
 * admins, who read them through the Synapse-compatible admin API.
 */
public final class ReportApi {
    /** Longest reason accepted, in characters. */
    public static final int MAX_REASON = 1000;

    private final RoomService rooms;
    private final RoomStore store;
    private final RoomVisibility visibility;

    public ReportApi(RoomService rooms, RoomStore store, RoomVisibility visibility) {
        this.rooms = rooms;
        this.store = store;
        this.visibility = visibility;
    }

    public void register(Routes r) {
        r.client("POST", "/rooms/{roomId}/report/{eventId}", Access.USER, req -> {
            String roomId = roomId(req);
            String eventId = req.param("eventId");
            Body b = req.json();
            String reason = reason(b);
            Integer score = score(b);
            StoredEvent se = null;
            if ("join".equals(rooms.membershipOf(roomId, req.userId()))) {
                se = rooms.writer().events().byId(eventId)
                        .filter(e -> roomId.equals(e.event().roomId()))
                        .filter(e -> visibility.canSee(req.userId(), e))
                        .orElse(null);
            }
            if (se == null) throw MatrixException.notFound("The event was not found or you are not joined to the room");
            store.report(roomId, eventId, req.userId(), reason, score);
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/report", Access.USER, req -> {
            String roomId = roomId(req);
            Body b = req.json();
            if (!b.has("reason")) throw MatrixException.missingParam("Missing string field 'reason'");
            String reason = reason(b);
            if (rooms.writer().room(roomId).isEmpty()) throw MatrixException.notFound("The room was not found");
            store.report(roomId, null, req.userId(), reason, null);
            return Map.of();
        });
    }

    private static String roomId(Req req) {
        String id = req.param("roomId");
        if (!id.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + id);
        return id;
    }

    private static String reason(Body b) {
        String reason = b.optText("reason");
        if (reason != null && reason.codePointCount(0, reason.length()) > MAX_REASON) {
            throw MatrixException.invalidParam("reason must be at most " + MAX_REASON + " characters");
        }
        return reason;
    }

    /** The score of older spec versions: an integer from -100 (most offensive) to 0 (inoffensive). */
    private static Integer score(Body b) {
        JsonNode s = b.raw("score");
        if (s == null || s.isNull()) return null;
        if (!s.isIntegralNumber()) throw MatrixException.badJson("score must be an integer");
        if (!s.canConvertToInt() || s.intValue() < -100 || s.intValue() > 0) {
            throw MatrixException.invalidParam("score must be between -100 and 0");
        }
        return s.intValue();
    }
}
