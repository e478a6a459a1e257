package org.myelin.sync;

import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomEventListener;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wakes GET /events?room_id= long-polls. Peekers are not members, so the {@link Notifier}, which
 * wakes users, never hears of them: they wait here per room instead. A room nobody peeks into has
 * no entry, and a write to it costs one map lookup. An entry holds only the peekers currently
 * waiting; each removes itself when it stops waiting, however it stops, so nothing outlives them.
 *
 * <p>A peeker registers before it reads the room and waits after: a write that commits in
 * between completes the registration, so it is not missed.
 */
public final class PeekWakeups implements RoomEventListener {
    /** One waiting peek, completed by the next write to its room. */
    public final class Wait implements AutoCloseable {
        private final String roomId;
        private final CompletableFuture<Void> woken = new CompletableFuture<>();

        private Wait(String roomId) { this.roomId = roomId; }

        /** Waits for a write to the room, at most timeoutMs; returns whether one came (or the server is closing). */
        public boolean await(long timeoutMs) throws InterruptedException {
            if (timeoutMs <= 0) return woken.isDone();
            try {
                woken.get(timeoutMs, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never completed exceptionally
            }
        }

        @Override
        public void close() {
            waiting.computeIfPresent(roomId, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    // The sets are only touched inside the map's per-key atomic operations, or after being removed from it.
    private final Map<String, Set<Wait>> waiting = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Starts waiting for the next write to a room; close the result when done. */
    public Wait register(String roomId) {
        Wait w = new Wait(roomId);
        waiting.compute(roomId, (k, set) -> {
            Set<Wait> s = set == null ? new HashSet<>() : set;
            s.add(w);
            return s;
        });
        // close() sets the flag before waking those it finds: a registration it missed is woken here.
        if (closed) w.woken.complete(null);
        return w;
    }

    @Override
    public void persisted(LiveRoom room, StoredEvent event) {
        // Runs on the writer's thread: for a room nobody peeks into this is one lookup that finds nothing.
        wakeAll(waiting.remove(room.roomId()));
    }

    /** Server shutdown: waiting peeks answer now, later ones do not wait. */
    public void close() {
        closed = true;
        for (String roomId : waiting.keySet()) wakeAll(waiting.remove(roomId));
    }

    /** The number of rooms with a waiting peek (a metric, and what tests check for leaks). */
    public int rooms() { return waiting.size(); }

    private static void wakeAll(Set<Wait> set) {
        // Removed from the map, so no one else touches this set any more.
        if (set != null) for (Wait w : set) w.woken.complete(null);
    }
}
