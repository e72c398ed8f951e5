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
    /** Inputs the task function sent again elsewhere ({@link Parallelized#countResubmission()}). */
    static final int RESUBMITTED = 12;

    /**
     * The handle of the slots, made at the first count (on a worker) rather than when a cold {@code start()} makes
     * the counts: its class is not in the JDK's archive.
     */
    private static final class Slots {
        static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    }

    private final long[] slots = new long[20];

    /** Single writer: a release store is enough, no atomic read-modify-write. */
    void increment(int slot) {
        Slots.SLOT.setRelease(slots, slot, (long) Slots.SLOT.getOpaque(slots, slot) + 1);
    }

    /** Single writer, as {@link #increment}. */
    void add(int slot, long amount) {
        Slots.SLOT.setRelease(slots, slot, (long) Slots.SLOT.getOpaque(slots, slot) + amount);
    }

    long get(int slot) {
        return (long) Slots.SLOT.getAcquire(slots, slot);
    }
}
