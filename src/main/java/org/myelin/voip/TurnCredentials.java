package org.myelin.voip;

import org.myelin.config.Config;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TURN credentials for GET /voip/turnServer. With a shared secret they follow the TURN REST API
 * that coturn implements (use-auth-secret): the username is {@code <expiry unix seconds>:<user id>}
 * and the password is base64(HMAC-SHA1(secret, username)), so coturn can check them without asking
 * us. Without a secret, the configured static username and password are handed out.
 */
public final class TurnCredentials {
    private final Config.Voip config;

    public TurnCredentials(Config.Voip config) { this.config = config; }

    public boolean configured() { return config.configured(); }

    public boolean allowGuests() { return config.turnAllowGuests(); }

    /** The response body for this user at this time, or an empty map when TURN is not configured. */
    public Map<String, Object> forUser(String userId, long nowMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!configured()) return out;
        long ttl = config.turnUserLifetimeMs() / 1000;
        if (config.turnSharedSecret() != null) {
            String username = (nowMs / 1000 + ttl) + ":" + userId;
            out.put("username", username);
            out.put("password", password(config.turnSharedSecret(), username));
        } else {
            out.put("username", config.turnUsername());
            out.put("password", config.turnPassword());
        }
        out.put("uris", config.turnUris());
        out.put("ttl", ttl);
        return out;
    }

    /** base64(HMAC-SHA1(secret, username)), the password coturn derives for a REST API username. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
