package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's task counters: written by that worker alone (one loop runs at a time), read by anyone. The
 * counters sit in the middle of a padded array, so two workers never write to the same cache line.
 */
final class WorkerCounts {

    static final int STARTED = 8;
    static final int SUCCEEDED = 9;
    static final int FAILED = 10;
    static final int CANCELLED = 11;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[20];

    /** Single writer: a release store is enough, no atomic read-modify-write. */
    void increment(int slot) {
        SLOT.setRelease(slots, slot, (long) SLOT.getOpaque(slots, slot) + 1);
    }

    long get(int slot) {
        return (long) SLOT.getAcquire(slots, slot);
    }
}
