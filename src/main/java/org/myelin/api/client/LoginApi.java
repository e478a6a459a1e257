package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.config.Config;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.users.AccountService;
import org.myelin.users.TokenService;
import org.myelin.users.UserInteractiveAuth;
import org.myelin.users.UserIds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Login, token refresh, logout and whoami. */
public final class LoginApi {
    private final AccountService accounts;
    private final TokenService tokens;
    private final Config config;
    private final org.myelin.storage.AccountStore store;

    public LoginApi(AccountService accounts, TokenService tokens, org.myelin.storage.AccountStore store, Config config) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.store = store;
        this.config = config;
    }

    public void register(Routes routes) {
        routes.client("GET", "/login", Access.PUBLIC, req -> Map.of("flows", List.of(Map.of("type", "m.login.password"))));
        routes.client("POST", "/login", Access.PUBLIC, RateLimiter.LOGIN, req -> login(req.json()));
        routes.client("POST", "/refresh", Access.PUBLIC, RateLimiter.LOGIN, req -> {
            String rt = req.json().requireString("refresh_token");
            return render(tokens.refresh(rt), false);
        });
        routes.client("POST", "/logout", Access.GUEST_OK, req -> {
            tokens.forget(store.deleteDevices(req.userId(), List.of(req.auth().deviceId())));
            return Map.of();
        });
        routes.client("POST", "/logout/all", Access.GUEST_OK, req -> {
            tokens.forget(store.deleteAllDevicesExcept(req.userId(), null));
            return Map.of();
        });
        routes.client("GET", "/account/whoami", Access.GUEST_OK, req -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", req.userId());
            m.put("device_id", req.auth().deviceId());
            m.put("is_guest", req.auth().guest());
            return m;
        });
    }

    private Object login(Body body) {
        String type = body.requireString("type");
        if (!"m.login.password".equals(type)) {
            throw MatrixException.unknown("Unknown login type " + type);
        }
        String user;
        Body identifier = body.optBody("identifier");
        if (identifier != null) {
            String idType = identifier.requireString("type");
            switch (idType) {
                case "m.id.user" -> user = identifier.requireString("user");
                case "m.id.thirdparty", "m.id.phone" ->
                        throw MatrixException.forbidden("No account is associated with that third-party identifier");
                default -> throw MatrixException.unknown("Unknown identifier type " + idType);
            }
        } else {
            user = body.optString("user");
            if (user == null) throw MatrixException.missingParam("Missing identifier");
        }
        String password = body.requireString("password");
        String userId = UserInteractiveAuth.qualify(user, config.serverName());
        if (!UserIds.isValid(userId) || !UserIds.isLocal(userId, config.serverName())) {
            throw MatrixException.forbidden("Invalid username or password");
        }
        String deviceId = deviceId(body);
        var issued = accounts.loginWithPassword(userId, password, new AccountService.DeviceRequest(deviceId,
                body.optText("initial_device_display_name"), body.bool("refresh_token", false)));
        return render(issued, true);
    }

    /** The optional device_id of a login or registration: 1-255 characters when given. */
    static String deviceId(Body body) {
        String deviceId = body.optText("device_id");
        if (deviceId != null && (deviceId.isEmpty() || deviceId.length() > 255)) {
            throw MatrixException.invalidParam("device_id must be 1-255 characters");
        }
        return deviceId;
    }

    Map<String, Object> render(TokenService.Issued issued, boolean withIdentity) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (withIdentity) {
            m.put("user_id", issued.userId());
            m.put("device_id", issued.deviceId());
            m.put("home_server", config.serverName());
            m.put("well_known", Map.of("m.homeserver", Map.of("base_url", config.publicBaseUrl())));
        }
        m.put("access_token", issued.accessToken());
        if (issued.expiresInMs() != null) m.put("expires_in_ms", issued.expiresInMs());
        if (issued.refreshToken() != null) m.put("refresh_token", issued.refreshToken());
        return m;
    }
}
