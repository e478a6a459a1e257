package org.myelin.storage;

import java.util.Optional;

/**
 * Stored filters (POST/GET /user/{userId}/filter). A filter ID is a non-negative decimal integer,
 * allocated per user in increasing order; filters are never changed or deleted.
 */
public interface FilterStore {

    /**
     * Stores a filter definition (JSON text) for the user and returns its ID; if the user already
     * has a filter with exactly this text, its ID is returned instead of a new one.
     */
    String create(String userId, String json);

    /** The definition of the user's filter with this ID, or empty if there is none (or the ID is malformed). */
    Optional<String> get(String userId, String filterId);
}
