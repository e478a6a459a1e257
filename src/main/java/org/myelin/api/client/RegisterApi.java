package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.config.Config;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.storage.AccountStore;
import org.myelin.users.AccountService;
import org.myelin.users.Secrets;
import org.myelin.users.TokenService;
import org.myelin.users.UserIds;
import org.myelin.users.UserInteractiveAuth;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Account registration: open (m.login.dummy) when configured, otherwise with an admin-issued
 * registration token; guest accounts when allowed.
 */
public final class RegisterApi {
    private static final int MAX_PASSWORD = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccountService accounts;
    private final AccountStore store;
    private final UserInteractiveAuth uia;
    private final LoginApi login;
    private final Config config;
    private final TokenService tokens;

    public RegisterApi(AccountService accounts, AccountStore store, UserInteractiveAuth uia, LoginApi login, Config config,
                       TokenService tokens) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.store = store;
        this.uia = uia;
        this.login = login;
        this.config = config;
    }

    public void register(Routes routes) {
        routes.client("POST", "/register", Access.PUBLIC, RateLimiter.REGISTER, this::registerUser);
        routes.client("GET", "/register/available", Access.PUBLIC, RateLimiter.REGISTER, req -> {
            String username = req.query("username");
            if (username == null) throw MatrixException.missingParam("Missing username");
            String localpart = username.toLowerCase(Locale.ROOT);
            UserIds.checkNewLocalpart(localpart, config.serverName());
            if (accounts.exists(UserIds.of(localpart, config.serverName()))) {
                throw new MatrixException(400, "M_USER_IN_USE", "User ID already taken");
            }
            return Map.of("available", true);
        });
        routes.clientVersion("v1", "GET", "/register/m.login.registration_token/validity", Access.PUBLIC, req -> {
            String token = req.query("token");
            if (token == null) throw MatrixException.missingParam("Missing token");
            if (!UserInteractiveAuth.REGISTRATION_TOKEN_SYNTAX.matcher(token).matches()) return Map.of("valid", false);
            long now = System.currentTimeMillis();
            boolean valid = store.registrationToken(token).filter(t -> (t.expiryTime() == null || t.expiryTime() > now)
                    && (t.usesAllowed() == null || t.pending() + t.completed() < t.usesAllowed())).isPresent();
            return Map.of("valid", valid);
        });
    }

    private List<List<String>> flows() {
        var r = config.registration();
        if (r.enabled() && !r.requireToken()) {
            return List.of(List.of(UserInteractiveAuth.DUMMY), List.of(UserInteractiveAuth.REGISTRATION_TOKEN));
        }
        return List.of(List.of(UserInteractiveAuth.REGISTRATION_TOKEN));
    }

    private Object registerUser(Req req) {
        String kind = req.query("kind") == null ? "user" : req.query("kind");
        Body body = req.json();
        if (kind.equals("guest")) return registerGuest(body);
        if (!kind.equals("user")) throw MatrixException.invalidParam("kind must be 'user' or 'guest'");

        String guestToken = body.optString("guest_access_token");
        if (guestToken != null) return upgradeGuest(req, body, guestToken);
        String username = body.optString("username");
        String password = body.optString("password");
        String deviceId = LoginApi.deviceId(body);
        String deviceName = body.optText("initial_device_display_name");
        boolean inhibit = body.bool("inhibit_login", false);
        boolean refresh = body.bool("refresh_token", false);
        if (password != null && password.length() > MAX_PASSWORD) throw MatrixException.badJson("Password too long");
        String localpart = null;
        if (username != null) {
            localpart = username.toLowerCase(Locale.ROOT);
            UserIds.checkNewLocalpart(localpart, config.serverName());
            if (accounts.exists(UserIds.of(localpart, config.serverName()))) {
                throw new MatrixException(400, "M_USER_IN_USE", "User ID already taken");
            }
        }
        if (!config.registration().enabled() && store.registrationTokens().isEmpty()) {
            throw MatrixException.forbidden("Registration is disabled on this server");
        }
        var done = uia.require(req, flows(), Map.of(), null);
        if (localpart == null) localpart = "u" + Secrets.alnum(12).toLowerCase(Locale.ROOT);
        String userId = UserIds.of(localpart, config.serverName());
        var issued = accounts.create(userId, password, false, false, null,
                inhibit ? null : new AccountService.DeviceRequest(deviceId, deviceName, refresh));
        if (done.registrationToken() != null) store.completeRegistrationToken(done.registrationToken());
        return response(userId, issued);
    }

    /** Guest access module: a guest becomes a full account, keeping its user ID. */
    private Object upgradeGuest(Req req, Body body, String guestToken) {
        var guest = tokens.authenticate(guestToken, req.remoteIp(), null);
        if (!guest.guest()) throw MatrixException.forbidden("guest_access_token does not belong to a guest account");
        String username = body.requireString("username");
        if (!UserIds.of(username.toLowerCase(Locale.ROOT), config.serverName()).equals(guest.userId())) {
            throw new MatrixException(400, "M_INVALID_USERNAME", "username must be the guest's own localpart");
        }
        String password = body.requireString("password");
        if (password.length() > MAX_PASSWORD) throw MatrixException.badJson("Password too long");
        var done = uia.require(req, flows(), Map.of(), null);
        store.upgradeGuest(guest.userId(), org.myelin.users.PasswordHasher.hash(password));
        tokens.forget(List.of(Secrets.tokenHash(guestToken)));
        if (done.registrationToken() != null) store.completeRegistrationToken(done.registrationToken());
        if (body.bool("inhibit_login", false)) return response(guest.userId(), null);
        String deviceId = LoginApi.deviceId(body);
        var issued = tokens.login(guest.userId(), deviceId == null ? guest.deviceId() : deviceId,
                body.optText("initial_device_display_name"), body.bool("refresh_token", false));
        return response(guest.userId(), issued);
    }

    private Object registerGuest(Body body) {
        if (!config.registration().allowGuests()) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest access is disabled on this server");
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            String userId = UserIds.of(Long.toString(100_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 900_000_000_000L),
                    config.serverName());
            if (accounts.exists(userId)) continue;
            var issued = accounts.create(userId, null, false, true, null,
                    new AccountService.DeviceRequest(null, body.optText("initial_device_display_name"), false));
            return response(userId, issued);
        }
        throw new MatrixException(500, "M_UNKNOWN", "Could not allocate a guest user ID");
    }

    private Map<String, Object> response(String userId, TokenService.Issued issued) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", userId);
        m.put("home_server", config.serverName());
        if (issued != null) m.putAll(login.render(issued, true));
        return m;
    }
}
