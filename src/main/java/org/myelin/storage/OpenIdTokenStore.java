package org.myelin.storage;

import java.util.Optional;

/** OpenID tokens by SHA-256 hash, each with its owner and expiry. */
public interface OpenIdTokenStore {
    /** Stores a new token and deletes every token that expired before now. */
    void create(String tokenHash, String userId, long expiresTs, long now);

    /** The owner of an unexpired token. */
    Optional<String> owner(String tokenHash, long now);
}
