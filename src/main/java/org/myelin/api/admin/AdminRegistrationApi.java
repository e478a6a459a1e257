package org.myelin.api.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.api.Routes;
import org.myelin.config.Config;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.storage.AccountStore;
import org.myelin.users.AccountService;
import org.myelin.users.Secrets;
import org.myelin.users.UserIds;
import org.myelin.users.UserInteractiveAuth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Synapse-compatible admin endpoints that operator tools and test suites rely on: shared-secret
 * registration (nonce + HMAC-SHA1) and registration token management.
 */
public final class AdminRegistrationApi {
    private static final String PREFIX = "/_synapse/admin/v1";

    private final AccountService accounts;
    private final AccountStore store;
    private final Config config;
    private final Cache<String, Boolean> nonces = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(60)).maximumSize(10_000).build();

    public AdminRegistrationApi(AccountService accounts, AccountStore store, Config config) {
        this.accounts = accounts;
        this.store = store;
        this.config = config;
    }

    public void register(Routes routes) {
        routes.add("GET", PREFIX + "/register", Access.PUBLIC, RateLimiter.GENERAL, 0, req -> {
            requireSecret();
            String nonce = Secrets.alnum(32);
            nonces.put(nonce, Boolean.TRUE);
            return Map.of("nonce", nonce);
        });
        routes.add("POST", PREFIX + "/register", Access.PUBLIC, RateLimiter.REGISTER, 0, this::sharedSecretRegister);

        routes.add("GET", PREFIX + "/registration_tokens", Access.USER, RateLimiter.GENERAL, 0, req -> {
            requireAdmin(req);
            String valid = req.query("valid");
            long now = System.currentTimeMillis();
            List<Object> out = new ArrayList<>();
            for (var t : store.registrationTokens()) {
                boolean isValid = (t.expiryTime() == null || t.expiryTime() > now)
                        && (t.usesAllowed() == null || t.pending() + t.completed() < t.usesAllowed());
                if (valid == null || Boolean.parseBoolean(valid) == isValid) out.add(render(t));
            }
            return Map.of("registration_tokens", out);
        });
        routes.add("GET", PREFIX + "/registration_tokens/{token}", Access.USER, RateLimiter.GENERAL, 0, req -> {
            requireAdmin(req);
            return render(store.registrationToken(req.param("token"))
                    .orElseThrow(() -> MatrixException.notFound("No such registration token")));
        });
        routes.add("POST", PREFIX + "/registration_tokens/new", Access.USER, RateLimiter.GENERAL, 0, req -> {
            requireAdmin(req);
            Body b = req.json();
            String token = b.optString("token");
            Long length = b.optLong("length");
            if (token == null) token = Secrets.alnum(length == null ? 16 : (int) Math.max(1, Math.min(64, length)));
            if (!UserInteractiveAuth.REGISTRATION_TOKEN_SYNTAX.matcher(token).matches()) {
                throw MatrixException.invalidParam("token must be 1-64 characters from [A-Za-z0-9._~-]");
            }
            Integer uses = usesAllowed(b);
            Long expiry = expiryTime(b);
            if (!store.createRegistrationToken(new AccountStore.RegistrationToken(token, uses, 0, 0, expiry))) {
                throw new MatrixException(400, "M_INVALID_PARAM", "Token already exists");
            }
            return render(store.registrationToken(token).orElseThrow());
        });
        routes.add("PUT", PREFIX + "/registration_tokens/{token}", Access.USER, RateLimiter.GENERAL, 0, req -> {
            requireAdmin(req);
            Body b = req.json();
            var t = store.registrationToken(req.param("token")).orElseThrow(() -> MatrixException.notFound("No such registration token"));
            Integer uses = b.json().has("uses_allowed") ? usesAllowed(b) : t.usesAllowed();
            Long expiry = b.json().has("expiry_time") ? expiryTime(b) : t.expiryTime();
            store.updateRegistrationToken(t.token(), uses, expiry);
            return render(store.registrationToken(t.token()).orElseThrow());
        });
        routes.add("DELETE", PREFIX + "/registration_tokens/{token}", Access.USER, RateLimiter.GENERAL, 0, req -> {
            requireAdmin(req);
            if (!store.deleteRegistrationToken(req.param("token"))) throw MatrixException.notFound("No such registration token");
            return Map.of();
        });
    }

    private static Integer usesAllowed(Body b) {
        Long uses = b.optLong("uses_allowed");
        if (uses != null && (uses < 0 || uses > Integer.MAX_VALUE)) throw MatrixException.invalidParam("uses_allowed must be >= 0");
        return uses == null ? null : uses.intValue();
    }

    /** As in Synapse, a token cannot be created or updated to expire in the past. */
    private static Long expiryTime(Body b) {
        Long expiry = b.optLong("expiry_time");
        if (expiry != null && expiry < System.currentTimeMillis()) {
            throw MatrixException.invalidParam("expiry_time must not be in the past");
        }
        return expiry;
    }

    /** As Synapse renders it: uses_allowed and expiry_time are explicit nulls when unlimited. */
    private static ObjectNode render(AccountStore.RegistrationToken t) {
        ObjectNode o = Json.object();
        o.put("token", t.token());
        o.put("uses_allowed", t.usesAllowed());
        o.put("pending", t.pending());
        o.put("completed", t.completed());
        o.put("expiry_time", t.expiryTime());
        return o;
    }

    private void requireAdmin(Req req) {
        if (!accounts.isAdmin(req.userId())) throw MatrixException.forbidden("You are not a server admin");
    }

    private void requireSecret() {
        if (config.registration().sharedSecret() == null) {
            throw MatrixException.unknown("Shared secret registration is not enabled");
        }
    }

    private Object sharedSecretRegister(Req req) throws Exception {
        requireSecret();
        Body b = req.json();
        String nonce = b.requireString("nonce");
        if (nonces.asMap().remove(nonce) == null) throw MatrixException.unknown("unrecognised nonce");
        String username = b.requireString("username");
        String password = b.requireString("password");
        boolean admin = b.bool("admin", false);
        String userType = b.optString("user_type");
        String mac = b.requireString("mac");
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(config.registration().sharedSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String msg = nonce + "\0" + username + "\0" + password + "\0" + (admin ? "admin" : "notadmin")
                + (userType == null ? "" : "\0" + userType);
        byte[] want = HexFormat.of().formatHex(hmac.doFinal(msg.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(want, mac.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))) {
            throw MatrixException.forbidden("HMAC incorrect");
        }
        String localpart = username.toLowerCase(Locale.ROOT);
        UserIds.checkNewLocalpart(localpart, config.serverName());
        String userId = UserIds.of(localpart, config.serverName());
        var issued = accounts.create(userId, password, admin, false, b.optText("displayname"),
                new AccountService.DeviceRequest(null, null, false));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token", issued.accessToken());
        m.put("user_id", userId);
        m.put("home_server", config.serverName());
        m.put("device_id", issued.deviceId());
        return m;
    }
}
