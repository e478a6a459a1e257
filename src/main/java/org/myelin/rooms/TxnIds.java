package org.myelin.rooms;

/**
 * Transaction IDs (spec "Transaction identifiers") are scoped to a device and an endpoint. The key
 * stored for a transaction qualifies the client's ID with the endpoint and the room, so that one ID
 * used on /send and on /redact, or in two rooms, names different transactions (a retry must never
 * answer with an event of another room). Room IDs contain no spaces, so the client's part is
 * everything after the second space, whatever it contains.
 */
public final class TxnIds {
    private TxnIds() {}

    public static String send(String roomId, String txnId) { return "send " + roomId + " " + txnId; }

    public static String redact(String roomId, String txnId) { return "redact " + roomId + " " + txnId; }

    /** The client's transaction ID within a stored key (the key itself if it is not scoped). */
    public static String clientPart(String stored) {
        int first = stored.indexOf(' ');
        int second = first < 0 ? -1 : stored.indexOf(' ', first + 1);
        return second < 0 ? stored : stored.substring(second + 1);
    }
}
