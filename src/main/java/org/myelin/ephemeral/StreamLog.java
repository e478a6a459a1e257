package org.myelin.ephemeral;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongConsumer;

/**
 * The recent changes of an in-memory stream (typing, presence): position -> what changed, bounded
 * in size. An incremental sync reads only the changes in its window instead of looking at every
 * room or user it could see; when its since position is older than the oldest change kept, it
 * falls back to a full scan ({@link #covers} is false).
 *
 * <p>Positions are consecutive (one per change), so a window's size is the difference of its
 * bounds. They start at the start-up time in microseconds, so that they keep growing across
 * restarts (a client's since token from before a restart must not be ahead of the new stream).
 * Appends happen under the owner's lock; reads are lock-free.
 */
final class StreamLog<T> {
    private final int capacity;
    private final ConcurrentSkipListMap<Long, T> changes = new ConcurrentSkipListMap<>();
    private int size;
    private long last;
    /** Every change after this position is still in the log. */
    private volatile long floor;
    private volatile long current;

    StreamLog(int capacity) {
        this.capacity = capacity;
        this.last = System.currentTimeMillis() * 1000;
        this.floor = last;
        this.current = last;
    }

    /**
     * Records a change and returns its position. {@code apply} runs with the new position before it
     * becomes {@link #current}, so that readers who see the position also see what it stands for.
     * Callers serialise appends.
     */
    long append(T change, LongConsumer apply) {
        long p = ++last;
        apply.accept(p);
        changes.put(p, change);
        if (++size > capacity) {
            var first = changes.pollFirstEntry();
            size--;
            floor = first.getKey();
        }
        current = p;
        return p;
    }

    /** The newest position whose change is visible to readers. */
    long current() { return current; }

    /** Whether every change in (since, ...] is still in the log. */
    boolean covers(long since) { return since >= floor; }

    /** The changes in (since, upto], oldest first: a live view, weakly consistent, not a copy. */
    Iterable<T> view(long since, long upto) {
        if (upto <= since) return List.of();
        return changes.subMap(since, false, upto, true).values();
    }
}
