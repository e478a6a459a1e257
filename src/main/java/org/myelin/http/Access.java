package org.myelin.http;

/** What authentication a route requires. */
public enum Access {
    /** No access token is read. */
    PUBLIC,
    /** A token is used if present (and must then be valid). */
    OPTIONAL,
    /** A full (non-guest) user's token is required; guests get M_GUEST_ACCESS_FORBIDDEN. */
    USER,
    /** Any valid token, including a guest's (the guest access module's allow-list). */
    GUEST_OK
}
