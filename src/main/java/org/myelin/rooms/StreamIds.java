package org.myelin.rooms;

import java.util.TreeSet;

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

    public StreamIds(long start) {
        this.last = start;
        this.current = start;
    }

    public synchronized long allocate() {
        long id = ++last;
        inFlight.add(id);
        return id;
    }

    /** Marks a position finished, whether its transaction committed or rolled back. */
    public synchronized void finish(long id) {
        inFlight.remove(id);
        current = inFlight.isEmpty() ? last : inFlight.first() - 1;
    }

    public synchronized long current() { return current; }
}
