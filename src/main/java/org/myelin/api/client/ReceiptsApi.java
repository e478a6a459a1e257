package org.myelin.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.userdata.Receipts;

/**
 * POST /rooms/{roomId}/receipt/{receiptType}/{eventId} and POST /rooms/{roomId}/read_markers. The
 * caller must be joined to the room (403 otherwise) and able to see the event (404 otherwise).
 */
public final class ReceiptsApi {
    private final Receipts receipts;

    public ReceiptsApi(Receipts receipts) { this.receipts = receipts; }

    public void register(Routes routes) {
        routes.client("POST", "/rooms/{roomId}/receipt/{receiptType}/{eventId}", Access.USER, req -> {
            Body body = req.json();
            JsonNode thread = body.raw("thread_id");
            String threadId = null;
            if (thread != null) {
                if (!thread.isTextual() || thread.asText().isEmpty()) {
                    throw MatrixException.invalidParam("thread_id field must be a non-empty string");
                }
                threadId = body.optString("thread_id");
            }
            receipts.receipt(req.userId(), req.param("roomId"), req.param("receiptType"), req.param("eventId"), threadId);
            return Json.object();
        });
        routes.client("POST", "/rooms/{roomId}/read_markers", Access.USER, req -> {
            Body body = req.json();
            receipts.readMarkers(req.userId(), req.param("roomId"), body.optString("m.fully_read"), body.optString("m.read"),
                    body.optString("m.read.private"));
            return Json.object();
        });
    }
}
