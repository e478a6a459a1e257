package org.myelin.core.rooms;

import org.myelin.core.events.Event;

/**
 * Event signature verification by a named server, which the auth rules need for
 * {@code join_authorised_via_users_server} (v8+): the authorising user's server must have signed
 * the join. An interface so that this package stays free of ed25519 and of key fetching; the
 * implementation lives with the signing keys (and may answer directly for this server's own name
 * when it just signed the event itself).
 */
@FunctionalInterface
public interface ServerSignatures {
    /** Whether {@code event} carries a valid signature from {@code serverName}'s signing keys. */
    boolean isSignedBy(Event event, String serverName);
}
