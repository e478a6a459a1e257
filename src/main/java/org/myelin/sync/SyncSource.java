package org.myelin.sync;

/**
 * A stream other than room events that feeds /sync (account data, receipts, typing, presence,
 * to-device, device lists). Each owns one slot of the sync token.
 */
public interface SyncSource {
    enum Slot { ACCOUNT_DATA, RECEIPTS, TYPING, PRESENCE, TO_DEVICE, DEVICE_LISTS }

    Slot slot();

    /** The stream's current position (the upper bound of this sync). */
    long current();

    /**
     * Adds what is new for this user in (since, upto] (everything relevant when since is 0 on an
     * initial sync) to the response under construction. Returns true if it added anything that
     * should end a long-poll.
     */
    boolean contribute(SyncContext ctx, long since, long upto);

    /**
     * Called once per /sync that carries a since token, before the response is built, with this
     * stream's position in that token: the client has received everything up to it. Streams that
     * keep messages until they are delivered (to-device) delete them here.
     */
    default void acknowledge(String userId, String deviceId, long since) {}
}
