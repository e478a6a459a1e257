package org.myelin.storage;

import java.util.List;

/**
 * Account data (spec "Client Config"): per user, global (roomId "") or per room, one JSON object
 * per type. Every change carries a position in the account data stream.
 */
public interface AccountDataStore {
    /** Global account data has the room ID "". */
    String GLOBAL = "";

    record Row(String roomId, String type, String content, long streamId) {}

    /** All of a user's account data, global and per room. */
    List<Row> all(String userId);

    /** Sets (inserts or replaces) one entry with the stream position of this change. */
    void put(String userId, String roomId, String type, String content, long streamId);

    /** The highest stream position ever written (0 when none). */
    long maxStreamId();
}
