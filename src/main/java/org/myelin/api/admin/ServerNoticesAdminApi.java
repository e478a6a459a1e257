package org.myelin.api.admin;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.notices.ServerNotices;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;
import org.myelin.users.AccountService;

import java.util.Map;

/**
 * Synapse's server notices admin API: POST /_synapse/admin/v1/send_server_notice and its
 * idempotent form PUT .../send_server_notice/{txnId}, body {user_id, content, type?, state_key?}.
 * Callers are server admins, and the system user itself (the send-server-notice command
 * authenticates as it, with a short-lived token it creates).
 */
public final class ServerNoticesAdminApi {
    private static final String PATH = "/_synapse/admin/v1/send_server_notice";

    private final ServerNotices notices;
    private final AccountService accounts;

    public ServerNoticesAdminApi(ServerNotices notices, AccountService accounts) {
        this.notices = notices;
        this.accounts = accounts;
    }

    public void register(Routes routes) {
        routes.add("POST", PATH, Access.USER, RateLimiter.GENERAL, 0, req -> send(req, null));
        routes.add("PUT", PATH + "/{txnId}", Access.USER, RateLimiter.GENERAL, 0,
                req -> send(req, new TxnKey(req.userId(), req.auth().deviceId(), "server_notice/" + req.param("txnId"))));
    }

    private Object send(Req req, TxnKey txn) {
        if (!accounts.isAdmin(req.userId()) && !req.userId().equals(notices.systemUserId())) {
            throw MatrixException.forbidden("You are not a server admin");
        }
        if (!notices.enabled()) throw MatrixException.unknown("Server notices are not enabled on this server");
        Body b = req.json();
        String userId = b.requireString("user_id");
        var content = b.requireObject("content");
        String type = b.optString("type");
        String stateKey = b.optString("state_key");
        StoredEvent se = notices.send(userId, type == null ? "m.room.message" : type, stateKey, content, txn);
        return Map.of("event_id", se.event().eventId());
    }
}
