package org.myelin.rooms;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Allocates stream positions and tracks which have been committed. Writers for different rooms
 * commit in any order, so readers must only look up to {@link #current()}: the highest position
 * below which every allocated position has finished (committed or abandoned). Without this, a
 * sync could move its token past an event whose transaction had not committed yet and never see it.
 */
public final class StreamIds {
    private long last;
    private long current;
    private final TreeSet<Long> inFlight = new TreeSet<>();
    private final List<Runnable> advanceListeners = new CopyOnWriteArrayList<>();

    public StreamIds(long start) {
        this.last = start;
        this.current = start;
    }

    public synchronized long allocate() {
        long id = ++last;
        inFlight.add(id);
        return id;
    }

    /**
     * Runs after every {@link #finish} that moved {@link #current()} forward, outside the lock: a
     * position that finished while an earlier one was in flight becomes readable only then.
     */
    public void onAdvance(Runnable listener) { advanceListeners.add(listener); }

    /** Marks a position finished, whether its transaction committed or rolled back. */
    public void finish(long id) {
        boolean advanced;
        synchronized (this) {
            long before = current;
            inFlight.remove(id);
            current = inFlight.isEmpty() ? last : inFlight.first() - 1;
            advanced = current > before;
            if (advanced) notifyAll();
        }
        if (advanced) for (Runnable r : advanceListeners) r.run();
    }

    public synchronized long current() { return current; }

    /**
     * The readable position once every position allocated before this call has finished, waiting
     * at most maxWaitMs for them. Readers call this to see their own writes: a write that returned
     * to its client is allocated, so it is included, even while another room's slower transaction
     * holds an earlier position.
     */
    public synchronized long settled(long maxWaitMs) {
        long target = last;
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000;
        while (current < target) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) break;
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return current;
    }
}
