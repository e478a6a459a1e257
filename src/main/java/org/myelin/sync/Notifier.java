package org.myelin.sync;

import org.myelin.rooms.StreamIds;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes long-polling /sync requests. Each user has a version counter bumped by every write that
 * concerns them; a sync notes the version before computing, and when it found nothing it waits
 * for the version to move. Noting the version first closes the race where a write lands between
 * "found nothing" and "start waiting".
 *
 * <p>Room events commit out of stream order (rooms write in parallel), and a sync reads only up to
 * the room stream's {@link StreamIds#current() readable position}. A notification for an event
 * above that position would wake syncs that cannot see it yet, and nothing would wake them again:
 * such notifications are held until the position reaches the event ({@link #notifyUsersAt}).
 */
public final class Notifier {
    private static final class UserSignal {
        final AtomicLong version = new AtomicLong();
        volatile CompletableFuture<Void> next = new CompletableFuture<>();
    }

    private final Map<String, UserSignal> users = new ConcurrentHashMap<>();
    /** Room-event notifications waiting for the readable position to reach them, by stream position. */
    private final ConcurrentSkipListMap<Long, Collection<String>> held = new ConcurrentSkipListMap<>();
    private volatile StreamIds roomStream;
    private volatile boolean closed;

    private UserSignal signal(String userId) { return users.computeIfAbsent(userId, k -> new UserSignal()); }

    /** The room event stream whose readable position gates {@link #notifyUsersAt}. */
    public void watch(StreamIds stream) {
        this.roomStream = stream;
        stream.onAdvance(this::release);
    }

    public long version(String userId) { return signal(userId).version.get(); }

    public void notifyUser(String userId) {
        UserSignal s = users.get(userId);
        if (s == null) return;
        CompletableFuture<Void> f;
        synchronized (s) {
            s.version.incrementAndGet();
            f = s.next;
            s.next = new CompletableFuture<>();
        }
        f.complete(null);
    }

    public void notifyUsers(Collection<String> userIds) {
        for (String u : userIds) notifyUser(u);
    }

    /** Notifies the users of a room event at this stream position once syncs can read it. */
    public void notifyUsersAt(long position, Collection<String> userIds) {
        StreamIds stream = roomStream;
        if (stream == null || position <= stream.current()) {
            notifyUsers(userIds);
            return;
        }
        held.put(position, userIds);
        // The position may have advanced before the entry was visible to release().
        release();
    }

    private void release() {
        long readable = roomStream.current();
        for (Map.Entry<Long, Collection<String>> e = held.firstEntry(); e != null && e.getKey() <= readable;
             e = held.firstEntry()) {
            if (held.remove(e.getKey(), e.getValue())) notifyUsers(e.getValue());
        }
    }

    /**
     * Server shutdown: every waiting sync returns now and later ones do not wait, so that the HTTP
     * server's graceful stop is not held up by parked long-polls.
     */
    public void close() {
        closed = true;
        for (String u : users.keySet()) notifyUser(u);
    }

    /** Waits until the user's version differs from seen, or the timeout passes, or the server is closing. */
    public void await(String userId, long seen, long timeoutMs) {
        if (timeoutMs <= 0 || closed) return;
        UserSignal s = signal(userId);
        CompletableFuture<Void> f;
        synchronized (s) {
            if (s.version.get() != seen) return;
            f = s.next;
        }
        // close() sets the flag before waking the users it knows: a signal created after that is caught here.
        if (closed) return;
        try {
            f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // timed out: the caller answers with what it has
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
