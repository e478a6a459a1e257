package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.ephemeral.Typing;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomWriter;

/** PUT /rooms/{roomId}/typing/{userId}: only for yourself, only in rooms you are joined to. */
public final class TypingApi {
    private final Typing typing;
    private final RoomWriter writer;

    public TypingApi(Typing typing, RoomWriter writer) {
        this.typing = typing;
        this.writer = writer;
    }

    public void register(Routes routes) {
        routes.client("PUT", "/rooms/{roomId}/typing/{userId}", Access.USER, req -> {
            String userId = req.param("userId");
            String roomId = req.param("roomId");
            if (!req.userId().equals(userId)) throw MatrixException.forbidden("You can only set your own typing state");
            Body body = req.json();
            Boolean isTyping = body.optBool("typing");
            if (isTyping == null) throw MatrixException.missingParam("Missing boolean field 'typing'");
            Long timeout = body.optLong("timeout");
            if (timeout != null && timeout < 0) throw MatrixException.invalidParam("'timeout' must not be negative");
            LiveRoom room = roomId.startsWith("!") ? writer.room(roomId).orElse(null) : null;
            if (room == null || !"join".equals(room.memberships().get(userId))) {
                throw MatrixException.forbidden("You are not joined to this room");
            }
            typing.set(roomId, userId, isTyping, timeout == null ? Typing.DEFAULT_TIMEOUT_MS : timeout);
            return Json.object();
        });
    }
}
