package org.myelin.sync;

import org.myelin.rooms.StreamIds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes long-polling /sync requests. Each user has a version counter bumped by every write that
 * concerns them; a sync notes the version before computing, and when it found nothing it waits
 * for the version to move. Noting the version first closes the race where a write lands between
 * "found nothing" and "start waiting".
 *
 * <p>A user has a signal only while a sync of theirs runs ({@link #listen} to {@link Listener#close}):
 * nothing is kept for the many users who are notified but not syncing. Dropping the signal between
 * two syncs cannot lose a wake-up: a write notified before the next sync's {@code listen} was
 * readable before that sync starts reading, so the sync sees it without waiting.
 *
 * <p>Writes to a stream commit out of stream order (rooms, users, devices write in parallel), and a
 * sync reads each stream only up to its {@link StreamIds#current() readable position}. A
 * notification for a position above that would wake syncs that cannot see it yet, and nothing would
 * wake them again: such notifications are held by a {@link Gate} until the position is readable.
 */
public final class Notifier {
    private static final class UserSignal {
        final AtomicLong version = new AtomicLong();
        volatile CompletableFuture<Void> next = new CompletableFuture<>();
        /** Syncs of the user that are running; changed only inside the users map's per-key operations. */
        int listeners;
    }

    /** One sync's hold on its user's signal, from before its first read until it answers. */
    public final class Listener implements AutoCloseable {
        private final String userId;
        private final UserSignal signal;

        private Listener(String userId, UserSignal signal) {
            this.userId = userId;
            this.signal = signal;
        }

        public long version() { return signal.version.get(); }

        /** Waits until the version differs from seen, or the timeout passes, or the server is closing. */
        public void await(long seen, long timeoutMs) {
            if (timeoutMs <= 0 || closed) return;
            CompletableFuture<Void> f;
            synchronized (signal) {
                if (signal.version.get() != seen) return;
                f = signal.next;
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

        @Override
        public void close() {
            users.computeIfPresent(userId, (k, s) -> s != signal || --s.listeners > 0 ? s : null);
        }
    }

    /**
     * Wake-ups for one stream, each held until the stream's readable position reaches the position
     * of the write that caused it.
     */
    public final class Gate {
        private final StreamIds stream;
        private final ConcurrentSkipListMap<Long, Collection<String>> held = new ConcurrentSkipListMap<>();

        private Gate(StreamIds stream) {
            this.stream = stream;
            // The advance happens on a writer's thread (for room events, holding its room's lock):
            // the held wake-ups, possibly a large room's members, are sent from another thread.
            stream.onAdvance(() -> {
                if (!held.isEmpty()) releaser.execute(this::release);
            });
        }

        /** Notifies these users of the write at this stream position once syncs can read it. */
        public void notifyUsersAt(long position, Collection<String> userIds) {
            if (position <= stream.current()) {
                notifyUsers(userIds);
                return;
            }
            held.merge(position, userIds, (a, b) -> {
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            });
            // The position may have advanced before the entry was visible to release().
            release();
        }

        private void release() {
            long readable = stream.current();
            for (Map.Entry<Long, Collection<String>> e = held.firstEntry(); e != null && e.getKey() <= readable;
                 e = held.firstEntry()) {
                if (held.remove(e.getKey(), e.getValue())) notifyUsers(e.getValue());
            }
        }
    }

    private final Map<String, UserSignal> users = new ConcurrentHashMap<>();
    private final ExecutorService releaser = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Gate roomGate;
    private volatile boolean closed;

    /** A gate for a stream whose writes may commit out of order. */
    public Gate gate(StreamIds stream) { return new Gate(stream); }

    /** The room event stream whose readable position gates {@link #notifyUsersAt}. */
    public void watch(StreamIds stream) { this.roomGate = new Gate(stream); }

    /**
     * Starts following a user's wake-ups, before the sync's first read; close when the sync answers.
     * Syncs of one user share the signal, so each sees every write that wakes the others.
     */
    public Listener listen(String userId) {
        UserSignal s = users.compute(userId, (k, cur) -> {
            UserSignal x = cur == null ? new UserSignal() : cur;
            x.listeners++;
            return x;
        });
        return new Listener(userId, s);
    }

    /** The number of users with a running sync (a metric, and what tests check for leaks). */
    public int listening() { return users.size(); }

    public void notifyUser(String userId) {
        UserSignal s = users.get(userId);
        if (s == null) return; // no sync running: the next one reads the write without waiting
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
        Gate g = roomGate;
        if (g == null) notifyUsers(userIds);
        else g.notifyUsersAt(position, userIds);
    }

    /**
     * Server shutdown: every waiting sync returns now and later ones do not wait, so that the HTTP
     * server's graceful stop is not held up by parked long-polls.
     */
    public void close() {
        closed = true;
        for (String u : users.keySet()) notifyUser(u);
    }
}
