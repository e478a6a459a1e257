package org.myelin.openid;

import org.myelin.storage.AccountStore;
import org.myelin.storage.OpenIdTokenStore;
import org.myelin.users.Secrets;

import java.util.Optional;

/**
 * OpenID tokens: a user asks for one and hands it to a third-party service, which exchanges it at
 * the federation userinfo endpoint for the user's ID. The token is good for nothing else (it is
 * not an access token: it lives in its own table with its own prefix), expires after an hour, and
 * is stored only as a SHA-256 hash. Tokens of a deactivated account stop working.
 */
public final class OpenIdTokens {
    public static final String PREFIX = "myo_";
    public static final long LIFETIME_SECONDS = 3600;

    public record Issued(String token, long expiresInSeconds) {}

    private final OpenIdTokenStore store;
    private final AccountStore accounts;

    public OpenIdTokens(OpenIdTokenStore store, AccountStore accounts) {
        this.store = store;
        this.accounts = accounts;
    }

    public Issued issue(String userId) {
        String token = Secrets.token(PREFIX);
        long now = System.currentTimeMillis();
        store.create(Secrets.tokenHash(token), userId, now + LIFETIME_SECONDS * 1000, now);
        return new Issued(token, LIFETIME_SECONDS);
    }

    /** The user a valid, unexpired token was issued to. */
    public Optional<String> userOf(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        return store.owner(Secrets.tokenHash(token), System.currentTimeMillis())
                .filter(u -> accounts.user(u).map(row -> !row.deactivated()).orElse(false));
    }
}
