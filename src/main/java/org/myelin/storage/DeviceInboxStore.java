package org.myelin.storage;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Send-to-device messages waiting for their recipient device (the to-device stream). Rows are kept
 * until the device acknowledges them by syncing past them, or until the device is deleted.
 */
public interface DeviceInboxStore {

    /** A message queued for one device: its stream position and the event as JSON text. */
    record Message(long streamId, String json) {}

    /** Where one message of a send went. */
    record Queued(String userId, String deviceId, long streamId) {}

    /** The oldest and newest queued positions of one device. */
    record Bounds(long min, long max) {}

    /** The highest position ever allocated (0 on a new database), so positions keep growing across restarts. */
    long maxPosition();

    /**
     * Queues one send, atomically with its transaction ID. {@code recipients} maps local user ID to
     * device ID (or "*" for every device of that user) to the event JSON; devices that do not exist
     * are skipped, an explicit device wins over "*". Positions come from {@code nextId}, in order.
     * Returns null when this (sender, device, txnId) was queued before (a retried request).
     */
    List<Queued> enqueue(String senderUserId, String senderDeviceId, String txnId, long now,
                         Map<String, Map<String, String>> recipients, LongSupplier nextId);

    /** Messages for a device with after < position <= upto, oldest first, at most limit. */
    List<Message> pending(String userId, String deviceId, long after, long upto, int limit);

    /** Deletes a device's messages with position <= upto; returns how many. */
    int deleteUpTo(String userId, String deviceId, long upto);

    /** The device's queued positions, or null when it has none. */
    Bounds bounds(String userId, String deviceId);

    /** Forgets transaction IDs recorded before ts. */
    int deleteTxnsBefore(long ts);
}
