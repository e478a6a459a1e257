package org.myelin.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.rooms.StreamIds;
import org.myelin.storage.DeviceInboxStore;
import org.myelin.storage.DeviceInboxStore.Bounds;
import org.myelin.storage.DeviceInboxStore.Message;
import org.myelin.storage.DeviceInboxStore.Queued;
import org.myelin.sync.Notifier;
import org.myelin.sync.SyncContext;
import org.myelin.sync.SyncSource;
import org.myelin.users.UserIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Send-to-device messaging (spec "Send-to-Device messaging"). A send stores one row per recipient
 * device, each with a position in the global to-device stream, in one transaction together with
 * the sender's transaction ID (so a retried request is not delivered twice). /sync lists a
 * device's messages in order, at most {@link #BATCH} at a time: when more are waiting, next_batch
 * carries the position of the last one sent, so the next sync continues there at once.
 *
 * <p>Messages are deleted only when the device syncs with a since token at or past them: a client
 * whose sync response was lost syncs again with its old token and gets the same messages again.
 * Deleting a device deletes its queue (in the same transaction as the device).
 *
 * <p>To keep /sync cheap, the newest queued position and the acknowledged position of each device
 * are cached: a sync that has nothing new for its device, or nothing to acknowledge, does not touch
 * the database.
 */
public final class ToDevice implements SyncSource {
    public static final int BATCH = 100;
    /** The largest content of one message, as JSON. */
    public static final int MAX_CONTENT_BYTES = 65_536;
    /** The most messages one request may queue (a "*" counts once per user here). */
    public static final int MAX_MESSAGES_PER_REQUEST = 10_000;
    private static final long TXN_LIFETIME_MS = 24 * 3600_000L;
    private static final Logger log = LoggerFactory.getLogger(ToDevice.class);

    /** What is known about one device's queue: positions <= acked are gone, newest <= maxQueued. */
    private static final class Queue {
        volatile long maxQueued;
        volatile long acked;
    }

    private final DeviceInboxStore store;
    private final Notifier notifier;
    private final String serverName;
    private final StreamIds ids;
    private final Cache<String, Queue> queues = Caffeine.newBuilder().maximumSize(500_000).build();
    private static final int STRIPES = 1024;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private volatile long lastTxnCleanup;
    /** Recipients to wake, by the last position of their send, once that position is readable. */
    private final ConcurrentSkipListMap<Long, Set<String>> held = new ConcurrentSkipListMap<>();

    public ToDevice(DeviceInboxStore store, Notifier notifier, String serverName) {
        this.store = store;
        this.notifier = notifier;
        this.serverName = serverName;
        this.ids = new StreamIds(store.maxPosition());
        this.lastTxnCleanup = System.currentTimeMillis();
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    private static String key(String userId, String deviceId) { return userId + "|" + deviceId; }

    private ReentrantLock lock(String key) { return locks[Math.floorMod(key.hashCode(), STRIPES)]; }

    /**
     * The device's queue state, loaded under the key's lock: a send that commits while the load reads
     * the table must find the loaded entry afterwards (Caffeine shows no entry while a load is in
     * progress, so without the lock the send's update would be lost and the message never delivered).
     */
    private Queue queue(String userId, String deviceId) {
        String k = key(userId, deviceId);
        Queue q = queues.getIfPresent(k);
        if (q != null) return q;
        ReentrantLock l = lock(k);
        l.lock();
        try {
            q = queues.getIfPresent(k);
            if (q != null) return q;
            q = new Queue();
            Bounds b = store.bounds(userId, deviceId);
            if (b != null) {
                q.maxQueued = b.max();
                q.acked = b.min() - 1;
            }
            queues.put(k, q);
            return q;
        } finally {
            l.unlock();
        }
    }

    /**
     * PUT /sendToDevice/{eventType}/{txnId}. Validates the whole request before queueing anything;
     * messages for other servers are dropped with a log line until federation exists.
     */
    public void send(String sender, String senderDevice, String txnId, String type, JsonNode messages) {
        if (!(messages instanceof ObjectNode byUser)) throw MatrixException.badJson("'messages' must be an object");
        Map<String, Map<String, String>> local = new LinkedHashMap<>();
        Map<String, Integer> remote = new LinkedHashMap<>();
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = byUser.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> u = it.next();
            String userId = u.getKey();
            if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID in 'messages': " + userId);
            if (!(u.getValue() instanceof ObjectNode byDevice)) {
                throw MatrixException.badJson("'messages' for " + userId + " must be an object of device ID to content");
            }
            Map<String, String> perDevice = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> dit = byDevice.fields(); dit.hasNext(); ) {
                Map.Entry<String, JsonNode> d = dit.next();
                if (!(d.getValue() instanceof ObjectNode content)) {
                    throw MatrixException.badJson("Message content for " + userId + " " + d.getKey() + " must be an object");
                }
                if (d.getKey().isEmpty() || d.getKey().indexOf('\0') >= 0) throw MatrixException.invalidParam("Invalid device ID");
                if (++count > MAX_MESSAGES_PER_REQUEST) {
                    throw MatrixException.tooLarge("At most " + MAX_MESSAGES_PER_REQUEST + " messages per request");
                }
                byte[] c = Json.write(content);
                if (c.length > MAX_CONTENT_BYTES) {
                    throw MatrixException.tooLarge("Message content for " + userId + " " + d.getKey() + " is larger than "
                            + MAX_CONTENT_BYTES + " bytes");
                }
                ObjectNode ev = Json.object();
                ev.put("sender", sender);
                ev.put("type", type);
                ev.set("content", content);
                perDevice.put(d.getKey(), Json.writeString(ev));
            }
            if (UserIds.isLocal(userId, serverName)) {
                if (!perDevice.isEmpty()) local.put(userId, perDevice);
            } else {
                remote.merge(UserIds.server(userId), perDevice.size(), Integer::sum);
            }
        }
        remote.forEach((server, n) -> log.info("dropping {} to-device message(s) of type {} from {} to server {}: "
                + "federation is not implemented yet", n, type, sender, server));
        enqueue(sender, senderDevice, txnId, local);
        cleanupTxns();
    }

    private void enqueue(String sender, String senderDevice, String txnId, Map<String, Map<String, String>> local) {
        List<Long> allocated = new ArrayList<>();
        try {
            List<Queued> queued = store.enqueue(sender, senderDevice, txnId, System.currentTimeMillis(), local, () -> {
                long id = ids.allocate();
                allocated.add(id);
                return id;
            });
            if (queued == null || queued.isEmpty()) return;
            // Under the key's lock: a load in progress (which may have read the table before this
            // commit) is finished and cached first, then corrected here.
            for (Queued q : queued) {
                String k = key(q.userId(), q.deviceId());
                ReentrantLock l = lock(k);
                l.lock();
                try {
                    Queue st = queues.getIfPresent(k);
                    if (st != null && st.maxQueued < q.streamId()) st.maxQueued = q.streamId();
                } finally {
                    l.unlock();
                }
            }
            Set<String> users = new LinkedHashSet<>();
            for (Queued q : queued) users.add(q.userId());
            // Sends commit in any order: while an earlier position is still in flight, a sync
            // cannot read these messages yet, so the recipients are woken once it can.
            held.put(queued.get(queued.size() - 1).streamId(), users);
        } finally {
            // Positions become readable only now, after the commit (or are abandoned on failure).
            for (long id : allocated) ids.finish(id);
            release();
        }
    }

    /** Wakes the recipients of every send whose messages are now readable. */
    private void release() {
        long readable = ids.current();
        for (Map.Entry<Long, Set<String>> e = held.firstEntry(); e != null && e.getKey() <= readable; e = held.firstEntry()) {
            if (held.remove(e.getKey(), e.getValue())) notifier.notifyUsers(e.getValue());
        }
    }

    private void cleanupTxns() {
        long now = System.currentTimeMillis();
        if (now - lastTxnCleanup < 3600_000L) return;
        lastTxnCleanup = now;
        Thread.ofVirtual().name("to-device-txn-cleanup").start(() -> {
            try {
                store.deleteTxnsBefore(now - TXN_LIFETIME_MS);
            } catch (RuntimeException e) {
                log.warn("to-device transaction cleanup failed: {}", e.getMessage());
            }
        });
    }

    /** Forgets cached queue state of deleted devices (their rows went with the device). */
    public void devicesDeleted(String userId, Collection<String> deviceIds) {
        for (String d : deviceIds) queues.invalidate(key(userId, d));
    }

    // ------------------------------------------------------------------ sync

    @Override
    public Slot slot() { return Slot.TO_DEVICE; }

    @Override
    public long current() { return ids.current(); }

    @Override
    public void acknowledge(String userId, String deviceId, long since) {
        if (deviceId == null) return;
        Queue q = queue(userId, deviceId);
        // A token from the future cannot acknowledge positions that do not exist yet.
        long upto = Math.min(since, ids.current());
        if (upto <= q.acked || q.maxQueued <= q.acked) return;
        store.deleteUpTo(userId, deviceId, upto);
        synchronized (q) {
            if (q.acked < upto) q.acked = upto;
        }
    }

    @Override
    public boolean contribute(SyncContext ctx, long since, long upto) {
        if (ctx.deviceId() == null) return false;
        Queue q = queue(ctx.userId(), ctx.deviceId());
        if (q.maxQueued <= since) return false;
        List<Message> msgs = store.pending(ctx.userId(), ctx.deviceId(), since, upto, BATCH + 1);
        if (msgs.isEmpty()) return false;
        boolean more = msgs.size() > BATCH;
        if (more) msgs = msgs.subList(0, BATCH);
        ArrayNode events = ctx.topLevelEvents("to_device");
        for (Message m : msgs) events.add(Json.parse(m.json().getBytes(StandardCharsets.UTF_8)));
        if (more) ctx.reached(Slot.TO_DEVICE, msgs.get(msgs.size() - 1).streamId());
        return true;
    }
}
