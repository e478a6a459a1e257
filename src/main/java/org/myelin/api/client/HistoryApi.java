package org.myelin.api.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.Routes;
import org.myelin.core.filters.RoomEventFilter;
import org.myelin.http.Access;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.rooms.ClientEvents;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomVisibility;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.sync.Filters;
import org.myelin.sync.PaginationToken;
import org.myelin.sync.RoomHistory;

import java.util.List;

/** /messages, /context, room /initialSync and /events (peeking into world-readable rooms). */
public final class HistoryApi {
    private static final int MAX_LIMIT = 1000;

    private final RoomHistory history;
    private final Filters filters;
    private final RoomVisibility visibility;
    private final ClientEvents render;
    private final RoomStore store;

    public HistoryApi(RoomHistory history, Filters filters, RoomVisibility visibility, ClientEvents render, RoomStore store) {
        this.history = history;
        this.filters = filters;
        this.visibility = visibility;
        this.render = render;
        this.store = store;
    }

    public void register(Routes r) {
        r.client("GET", "/rooms/{roomId}/messages", Access.GUEST_OK, req -> {
            String dir = req.query("dir");
            if (dir == null) throw MatrixException.missingParam("Missing dir");
            RoomEventFilter f = filters.resolveRoomEventFilter(req.query("filter"));
            int limit = req.queryInt("limit", f.limit(10), 0, MAX_LIMIT);
            return history.messages(roomId(req), req.userId(), req.auth().deviceId(), req.query("from"), req.query("to"), dir,
                    limit, f);
        });
        r.client("GET", "/rooms/{roomId}/context/{eventId}", Access.GUEST_OK, req -> {
            RoomEventFilter f = filters.resolveRoomEventFilter(req.query("filter"));
            int limit = req.queryInt("limit", 10, 0, MAX_LIMIT);
            return history.context(roomId(req), req.param("eventId"), req.userId(), req.auth().deviceId(), limit, f);
        });
        r.client("GET", "/rooms/{roomId}/initialSync", Access.GUEST_OK, this::roomInitialSync);
        r.client("GET", "/events", Access.GUEST_OK, this::peekEvents);
    }

    private static String roomId(Req req) {
        String id = req.param("roomId");
        if (!id.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + id);
        return id;
    }

    private Object roomInitialSync(Req req) {
        String roomId = roomId(req);
        LiveRoom room = history.room(roomId);
        int limit = req.queryInt("limit", 10, 0, MAX_LIMIT);
        ObjectNode messages = history.messages(roomId, req.userId(), req.auth().deviceId(), null, null, "b", limit, RoomEventFilter.ALL);
        ArrayNode chunk = (ArrayNode) messages.get("chunk");
        ArrayNode ordered = Json.MAPPER.createArrayNode();
        for (int i = chunk.size() - 1; i >= 0; i--) ordered.add(chunk.get(i));
        ObjectNode out = Json.object();
        out.put("room_id", roomId);
        String membership = store.membership(roomId, req.userId()).map(RoomStore.Member::membership).orElse(null);
        if (membership != null) out.put("membership", membership);
        ObjectNode msgs = out.putObject("messages");
        msgs.set("chunk", ordered);
        msgs.put("start", messages.has("end") ? messages.get("end").asText() : PaginationToken.of(0));
        msgs.put("end", messages.get("start").asText());
        ArrayNode state = out.putArray("state");
        List<StoredEvent> view = visibility.stateView(roomId, req.userId());
        render.renderAll(view, new ClientEvents.Viewer(req.userId(), req.auth().deviceId())).forEach(state::add);
        out.put("visibility", store.room(roomId).map(RoomStore.RoomRow::isPublic).orElse(false) ? "public" : "private");
        out.putArray("account_data");
        out.putArray("presence");
        return out;
    }

    private Object peekEvents(Req req) {
        String roomId = req.query("room_id");
        if (roomId == null) throw MatrixException.missingParam("room_id is required: only peeking into a room is supported");
        String from = req.query("from");
        long boundary = from == null ? history.room(roomId).lastNid() + 1 : PaginationToken.parse(from);
        long timeout = Math.min(60_000, Math.max(0, req.queryLong("timeout", 30_000)));
        List<StoredEvent> evs = history.awaitAfter(roomId, req.userId(), boundary, 100, timeout);
        ObjectNode out = Json.object();
        ArrayNode chunk = out.putArray("chunk");
        render.renderAll(evs, new ClientEvents.Viewer(req.userId(), req.auth().deviceId())).forEach(chunk::add);
        out.put("start", PaginationToken.of(boundary));
        out.put("end", PaginationToken.of(evs.isEmpty() ? boundary : evs.get(evs.size() - 1).nid() + 1));
        return out;
    }
}
