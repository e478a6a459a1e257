package org.myelin.api.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.Routes;
import org.myelin.core.events.Event;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.rooms.ClientEvents;
import org.myelin.rooms.EventTemplate;
import org.myelin.rooms.RoomAliases;
import org.myelin.rooms.RoomService;
import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.TxnIds;
import org.myelin.storage.RoomStore;
import org.myelin.sync.PaginationToken;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;
import org.myelin.users.UserIds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Room creation, membership, sending and reading state and events. */
public final class RoomsApi {
    private final RoomService rooms;
    private final RoomStore store;
    private final ClientEvents render;
    private final RoomVisibility visibility;

    public RoomsApi(RoomService rooms, RoomStore store, ClientEvents render, RoomVisibility visibility) {
        this.rooms = rooms;
        this.store = store;
        this.render = render;
        this.visibility = visibility;
    }

    public void register(Routes r) {
        r.client("POST", "/createRoom", Access.USER, RateLimiter.MESSAGE, req -> {
            var res = rooms.createRoom(req.userId(), req.json());
            return Map.of("room_id", res.roomId());
        });
        r.client("POST", "/join/{roomIdOrAlias}", Access.USER, req -> joinResult(req, resolve(req.param("roomIdOrAlias"))));
        r.client("POST", "/rooms/{roomId}/join", Access.GUEST_OK, req -> joinResult(req, roomId(req)));
        r.client("POST", "/knock/{roomIdOrAlias}", Access.USER, req -> {
            String roomId = resolve(req.param("roomIdOrAlias"));
            rooms.knock(roomId, req.userId(), req.json().optString("reason"));
            return Map.of("room_id", roomId);
        });
        r.client("POST", "/rooms/{roomId}/invite", Access.USER, req -> {
            Body b = req.json();
            String target = b.requireString("user_id");
            rooms.invite(roomId(req), req.userId(), target, b.optString("reason"), b.bool("is_direct", false));
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/leave", Access.GUEST_OK, req -> {
            rooms.leave(roomId(req), req.userId(), req.json().optString("reason"));
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/forget", Access.USER, req -> {
            rooms.forget(roomId(req), req.userId());
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/kick", Access.USER, req -> {
            Body b = req.json();
            rooms.kick(roomId(req), req.userId(), b.requireString("user_id"), b.optString("reason"));
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/ban", Access.USER, req -> {
            Body b = req.json();
            rooms.ban(roomId(req), req.userId(), b.requireString("user_id"), b.optString("reason"));
            return Map.of();
        });
        r.client("POST", "/rooms/{roomId}/unban", Access.USER, req -> {
            Body b = req.json();
            rooms.unban(roomId(req), req.userId(), b.requireString("user_id"), b.optString("reason"));
            return Map.of();
        });
        r.client("GET", "/joined_rooms", Access.USER, req -> Map.of("joined_rooms", store.roomsOf(req.userId(), List.of("join"))));

        r.client("PUT", "/rooms/{roomId}/send/{eventType}/{txnId}", Access.GUEST_OK, RateLimiter.MESSAGE, req -> {
            ObjectNode content = contentOf(req);
            String roomId = roomId(req);
            TxnKey txn = new TxnKey(req.userId(), req.auth().deviceId(), TxnIds.send(roomId, req.param("txnId")));
            if ("m.room.redaction".equals(req.param("eventType"))) {
                // Sent as an event, a redaction names its target in content.redacts and gets /redact's checks.
                if (!content.path("redacts").isTextual()) throw MatrixException.badJson("m.room.redaction needs a string 'redacts'");
                return redaction(req, roomId, content.get("redacts").asText(), content, txn);
            }
            var se = rooms.send(roomId, EventTemplate.message(req.param("eventType"), req.userId(), content), txn);
            return Map.of("event_id", se.event().eventId());
        });
        // Guests may send any event type and state events (guest access module, since v1.2).
        r.client("PUT", "/rooms/{roomId}/state/{eventType}/{stateKey}", Access.GUEST_OK, RateLimiter.MESSAGE,
                req -> putState(req, req.param("stateKey")));
        r.client("PUT", "/rooms/{roomId}/state/{eventType}", Access.GUEST_OK, RateLimiter.MESSAGE, req -> putState(req, ""));
        r.client("GET", "/rooms/{roomId}/state/{eventType}/{stateKey}", Access.GUEST_OK, req -> getState(req, req.param("stateKey")));
        r.client("GET", "/rooms/{roomId}/state/{eventType}", Access.GUEST_OK, req -> getState(req, ""));
        r.client("GET", "/rooms/{roomId}/state", Access.GUEST_OK, req -> {
            String roomId = roomId(req);
            var view = visibility.stateView(roomId, req.userId());
            return render.renderAll(view, viewer(req));
        });
        r.client("GET", "/rooms/{roomId}/event/{eventId}", Access.GUEST_OK, req -> {
            String roomId = roomId(req);
            StoredEvent se = rooms.writer().events().byId(req.param("eventId"))
                    .filter(e -> roomId.equals(e.event().roomId()))
                    .filter(e -> visibility.canSee(req.userId(), e))
                    .orElseThrow(() -> MatrixException.notFound("Event not found"));
            return render.render(se, viewer(req));
        });
        r.client("GET", "/rooms/{roomId}/members", Access.GUEST_OK, req -> {
            String roomId = roomId(req);
            String membership = req.query("membership");
            String notMembership = req.query("not_membership");
            String at = req.query("at");
            List<StoredEvent> view = at == null ? visibility.stateView(roomId, req.userId())
                    : visibility.stateViewAt(roomId, req.userId(), PaginationToken.parse(at));
            List<StoredEvent> members = new ArrayList<>();
            for (StoredEvent se : view) {
                Event e = se.event();
                if (!"m.room.member".equals(e.type())) continue;
                // Both filters together are an "or" (spec): membership is `membership` or is not `not_membership`.
                boolean is = membership != null && membership.equals(e.membership());
                boolean isNot = notMembership != null && !notMembership.equals(e.membership());
                if ((membership != null || notMembership != null) && !is && !isNot) continue;
                members.add(se);
            }
            return Map.of("chunk", render.renderAll(members, viewer(req)));
        });
        r.client("GET", "/rooms/{roomId}/joined_members", Access.USER, req -> {
            String roomId = roomId(req);
            // Only for current members (spec); a departed user's view of the past is /members.
            if (!"join".equals(rooms.membershipOf(roomId, req.userId()))
                    && !rooms.writer().room(roomId).map(visibility::isWorldReadable).orElse(false)) {
                throw MatrixException.forbidden("You are not a member of this room");
            }
            Map<String, Object> joined = new LinkedHashMap<>();
            for (StoredEvent se : visibility.stateView(roomId, req.userId())) {
                Event e = se.event();
                if (!"m.room.member".equals(e.type()) || !"join".equals(e.membership())) continue;
                Map<String, Object> p = new LinkedHashMap<>();
                if (e.content().path("displayname").isTextual()) p.put("display_name", e.content().get("displayname").asText());
                if (e.content().path("avatar_url").isTextual()) p.put("avatar_url", e.content().get("avatar_url").asText());
                joined.put(e.stateKey(), p);
            }
            return Map.of("joined", joined);
        });
        r.client("PUT", "/rooms/{roomId}/redact/{eventId}/{txnId}", Access.USER, RateLimiter.MESSAGE, this::redact);
    }

    private Object joinResult(Req req, String roomId) {
        rooms.join(roomId, req.userId(), req.json().optString("reason"), req.auth().guest());
        return Map.of("room_id", roomId);
    }

    private String roomId(Req req) {
        String id = req.param("roomId");
        if (!id.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + id);
        return id;
    }

    /** A room ID, or an alias resolved through the local directory. */
    private String resolve(String idOrAlias) {
        if (idOrAlias.startsWith("!")) return idOrAlias;
        if (idOrAlias.startsWith("#") && RoomAliases.isValid(idOrAlias)) {
            return store.alias(idOrAlias).map(a -> a[0]).orElseThrow(() -> MatrixException.notFound("Room alias " + idOrAlias + " not found"));
        }
        throw MatrixException.invalidParam("Invalid room ID or alias " + idOrAlias);
    }

    private static ClientEvents.Viewer viewer(Req req) {
        return req.auth() == null ? null : new ClientEvents.Viewer(req.userId(), req.auth().deviceId());
    }

    private static ObjectNode contentOf(Req req) {
        if (!(req.jsonAny() instanceof ObjectNode o)) throw MatrixException.badJson("Event content must be a JSON object");
        return o;
    }

    private Object putState(Req req, String stateKey) {
        ObjectNode content = contentOf(req);
        var se = rooms.setState(roomId(req), EventTemplate.state(req.param("eventType"), stateKey, req.userId(), content));
        return Map.of("event_id", se.event().eventId());
    }

    private Object getState(Req req, String stateKey) {
        String roomId = roomId(req);
        String type = req.param("eventType");
        StoredEvent se = null;
        for (StoredEvent s : visibility.stateView(roomId, req.userId())) {
            if (s.event().type().equals(type) && stateKey.equals(s.event().stateKey())) se = s;
        }
        if (se == null) throw MatrixException.notFound("Event not found");
        ObjectNode ev = render.render(se, viewer(req));
        if ("event".equals(req.query("format"))) return ev;
        return ev.get("content");
    }

    private Object redact(Req req) {
        String roomId = roomId(req);
        ObjectNode content = Json.object();
        String reason = req.json().optString("reason");
        if (reason != null) content.put("reason", reason);
        return redaction(req, roomId, req.param("eventId"), content,
                new TxnKey(req.userId(), req.auth().deviceId(), TxnIds.redact(roomId, req.param("txnId"))));
    }

    /**
     * Redacts target, an event of this room the user can see. Whether they may (their own event, or
     * anyone's with the redact level) is decided by the room's writer, under the room lock.
     */
    private Object redaction(Req req, String roomId, String target, ObjectNode content, TxnKey txn) {
        rooms.writer().requireRoom(roomId);
        rooms.writer().events().byId(target).filter(e -> roomId.equals(e.event().roomId()))
                .filter(e -> visibility.canSee(req.userId(), e))
                .orElseThrow(() -> MatrixException.notFound("Event not found"));
        var se = rooms.send(roomId, new EventTemplate("m.room.redaction", null, req.userId(), content, target), txn);
        return Map.of("event_id", se.event().eventId());
    }

    static boolean isUserId(String s) { return UserIds.isValid(s); }
}
