package org.myelin.storage;

import java.util.Collection;
import java.util.List;

/**
 * The latest receipt of each (room, user, receipt type, thread); threadId is "" for an unthreaded
 * receipt. Every change carries a position in the receipts stream.
 */
public interface ReceiptStore {
    record Row(String roomId, String userId, String receiptType, String threadId, String eventId, long eventNid, long ts,
               long streamId) {}

    /** Every stored receipt of these rooms. */
    List<Row> inRooms(Collection<String> roomIds);

    /**
     * Stores a receipt unless the stored one for the same key already points at the same or a later
     * event (receipts never move backwards). Returns whether it was stored.
     */
    boolean put(Row row);

    /** The highest stream position ever written (0 when none). */
    long maxStreamId();
}
