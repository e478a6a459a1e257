package org.myelin.users;

import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.storage.AccountStore;
import org.myelin.storage.AccountStore.UiaSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * User-interactive authentication (spec "User-interactive authentication API"): sessions, flows,
 * completed stages and the 401 body. Used by registration, password change, deactivation, device
 * deletion and cross-signing key upload. A session is bound to the method, path and user that
 * started it, so a completed stage cannot authorise a different operation or another user.
 */
public final class UserInteractiveAuth {
    public static final String DUMMY = "m.login.dummy";
    public static final String PASSWORD = "m.login.password";
    public static final String REGISTRATION_TOKEN = "m.login.registration_token";
    private static final long SESSION_LIFETIME_MS = 15 * 60_000;
    /** Registration tokens: the spec's opaque identifier grammar, at most 64 characters. */
    public static final Pattern REGISTRATION_TOKEN_SYNTAX = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    /** Session IDs as this class issues them; anything else is unknown without a database lookup. */
    private static final Pattern SESSION_ID_SYNTAX = Pattern.compile("[A-Za-z0-9]{1,64}");

    /** The outcome of a completed flow. registrationToken is set when that stage was used. */
    public record Completed(String sessionId, String registrationToken) {}

    private final AccountStore store;
    private final PasswordCheck passwords;
    private final String serverName;

    /** Verifies a user's password (the same logic as login). */
    public interface PasswordCheck {
        boolean verify(String userId, String password);
    }

    public UserInteractiveAuth(AccountStore store, PasswordCheck passwords, String serverName) {
        this.store = store;
        this.passwords = passwords;
        this.serverName = serverName;
    }

    /**
     * Returns when one of the flows is complete for this request; otherwise throws the 401 that tells
     * the client what to do next.
     *
     * @param userId the user a password stage must authenticate, or null where there is none (registration)
     */
    public Completed require(Req req, List<List<String>> flows, Map<String, Object> params, String userId) {
        Body auth = req.json().optBody("auth");
        UiaSession session;
        String sid = auth == null ? null : auth.optString("session");
        long now = System.currentTimeMillis();
        if (sid == null) {
            session = new UiaSession(Secrets.alnum(24), req.method(), req.path(), userId, List.of(), null, now);
            store.createUiaSession(session);
        } else {
            session = (SESSION_ID_SYNTAX.matcher(sid).matches() ? store.uiaSession(sid) : Optional.<UiaSession>empty())
                    .filter(s -> now - s.createdTs() < SESSION_LIFETIME_MS)
                    .orElseThrow(() -> new MatrixException(400, "M_UNKNOWN", "Unknown or expired session ID: " + sid));
            if (!session.method().equals(req.method()) || !session.path().equals(req.path())) {
                throw new MatrixException(403, "M_FORBIDDEN", "Requested operation has changed during the UI authentication session");
            }
            if (!Objects.equals(session.userId(), userId)) {
                throw new MatrixException(403, "M_FORBIDDEN", "This UI authentication session belongs to another user");
            }
        }
        List<String> completed = new ArrayList<>(session.completed());
        String regToken = session.registrationToken();
        String type = auth == null ? null : auth.optString("type");
        if (type != null) {
            if (flows.stream().noneMatch(f -> f.contains(type))) {
                throw challenge(flows, params, session.sessionId(), completed, "M_UNRECOGNIZED",
                        "Authentication type " + type + " is not offered here");
            }
            switch (type) {
                case DUMMY -> { }
                case PASSWORD -> {
                    String who = qualify(passwordUser(auth), serverName);
                    String pw = auth.optString("password");
                    if (who == null || pw == null || userId == null || !who.equals(userId) || !passwords.verify(userId, pw)) {
                        throw challenge(flows, params, session.sessionId(), completed, "M_FORBIDDEN", "Invalid username or password");
                    }
                }
                case REGISTRATION_TOKEN -> {
                    String token = auth.optString("token");
                    if (regToken == null) {
                        if (token == null || !REGISTRATION_TOKEN_SYNTAX.matcher(token).matches()
                                || !store.reserveRegistrationToken(token, now)) {
                            throw challenge(flows, params, session.sessionId(), completed, "M_FORBIDDEN", "Invalid registration token");
                        }
                        regToken = token;
                    } else if (!regToken.equals(token)) {
                        throw challenge(flows, params, session.sessionId(), completed, "M_FORBIDDEN", "Invalid registration token");
                    }
                }
                default -> throw challenge(flows, params, session.sessionId(), completed, "M_UNRECOGNIZED",
                        "Unsupported authentication type " + type);
            }
            if (!completed.contains(type)) completed.add(type);
            store.setUiaCompleted(session.sessionId(), completed, regToken);
        }
        for (List<String> flow : flows) {
            if (completed.containsAll(flow)) {
                store.deleteUiaSession(session.sessionId());
                return new Completed(session.sessionId(), regToken);
            }
        }
        throw challenge(flows, params, session.sessionId(), completed, null, null);
    }

    /** The user named by a password stage's identifier (m.id.user) or legacy "user" field. */
    private String passwordUser(Body auth) {
        Body id = auth.optBody("identifier");
        String user = id != null && "m.id.user".equals(id.optString("type")) ? id.optString("user") : auth.optString("user");
        return user;
    }

    /** Resolves a localpart or user ID given by a client to a full user ID on this server. */
    public static String qualify(String user, String serverName) {
        if (user == null) return null;
        return user.startsWith("@") ? user : UserIds.of(user.toLowerCase(java.util.Locale.ROOT), serverName);
    }

    private static MatrixException challenge(List<List<String>> flows, Map<String, Object> params, String session,
                                             List<String> completed, String errcode, String error) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> fl = new ArrayList<>();
        for (List<String> f : flows) fl.add(Map.of("stages", f));
        body.put("flows", fl);
        body.put("params", params);
        body.put("session", session);
        body.put("completed", completed);
        return new UiaChallenge(body, errcode, error);
    }

    /** The 401 of an unfinished UIA flow; its body is the flow description, plus errcode on failure. */
    public static final class UiaChallenge extends MatrixException {
        private final Map<String, Object> flowBody;

        UiaChallenge(Map<String, Object> flowBody, String errcode, String error) {
            super(401, errcode, error == null ? "Additional authentication required" : error);
            this.flowBody = flowBody;
        }

        @Override
        public Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>(flowBody);
            if (errcode() != null) {
                m.put("errcode", errcode());
                m.put("error", getMessage());
            }
            return m;
        }
    }
}
