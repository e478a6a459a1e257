package org.myelin.sync;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes long-polling /sync requests. Each user has a version counter bumped by every write that
 * concerns them; a sync notes the version before computing, and when it found nothing it waits
 * for the version to move. Noting the version first closes the race where a write lands between
 * "found nothing" and "start waiting".
 */
public final class Notifier {
    private static final class UserSignal {
        final AtomicLong version = new AtomicLong();
        volatile CompletableFuture<Void> next = new CompletableFuture<>();
    }

    private final Map<String, UserSignal> users = new ConcurrentHashMap<>();

    private UserSignal signal(String userId) { return users.computeIfAbsent(userId, k -> new UserSignal()); }

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

    /** Waits until the user's version differs from seen, or the timeout passes. */
    public void await(String userId, long seen, long timeoutMs) {
        if (timeoutMs <= 0) return;
        UserSignal s = signal(userId);
        CompletableFuture<Void> f;
        synchronized (s) {
            if (s.version.get() != seen) return;
            f = s.next;
        }
        try {
            f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // timed out: the caller answers with what it has
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
