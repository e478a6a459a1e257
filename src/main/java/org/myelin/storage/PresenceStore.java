package org.myelin.storage;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The persisted part of presence: each local user's status message and last activity. The live
 * state (online, unavailable, offline) is kept in memory by the presence module.
 */
public interface PresenceStore {

    record Row(String userId, String statusMsg, long lastActiveTs) {}

    List<Row> all();

    Optional<Row> get(String userId);

    /** Inserts or replaces the rows, in one transaction. */
    void save(Collection<Row> rows);
}
