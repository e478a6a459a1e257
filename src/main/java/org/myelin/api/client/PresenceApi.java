package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.ephemeral.Presence;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.users.UserIds;

/** GET/PUT /presence/{userId}/status. */
public final class PresenceApi {
    private final Presence presence;

    public PresenceApi(Presence presence) { this.presence = presence; }

    public void register(Routes routes) {
        routes.client("PUT", "/presence/{userId}/status", Access.USER, req -> {
            String userId = req.param("userId");
            if (!req.userId().equals(userId)) throw MatrixException.forbidden("You can only set your own presence");
            Body body = req.json();
            String state = body.requireString("presence");
            Presence.State s = Presence.State.parse(state);
            if (s == null) throw MatrixException.invalidParam("'presence' must be online, unavailable or offline");
            String msg = body.optText("status_msg");
            if (msg != null && msg.codePointCount(0, msg.length()) > Presence.MAX_STATUS_MSG_CHARS) {
                throw MatrixException.invalidParam("'status_msg' is longer than " + Presence.MAX_STATUS_MSG_CHARS + " characters");
            }
            presence.set(userId, s, msg);
            return Json.object();
        });
        routes.client("GET", "/presence/{userId}/status", Access.USER, req -> {
            String userId = req.param("userId");
            if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID");
            if (presence.enabled() && !presence.canSee(req.userId(), userId)) {
                throw MatrixException.forbidden("You are not allowed to see their presence");
            }
            return presence.status(userId);
        });
    }

    /**
     * Whether a request counts as user activity for presence: every authenticated request that
     * changes something (not GET or HEAD, so not /sync polling), except presence updates, which
     * set the state themselves.
     */
    public static boolean isActivity(Req req) {
        String m = req.method();
        return req.auth() != null && !m.equals("GET") && !m.equals("HEAD") && !m.equals("OPTIONS")
                && !req.path().contains("/presence/");
    }
}
