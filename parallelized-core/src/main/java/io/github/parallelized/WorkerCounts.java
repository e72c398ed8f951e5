package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's task counters: written by that worker alone (one loop runs at a time), read by anyone. The
 * counters of the first workers sit in the middle of a padded array, so two of them never write to the same cache
 * line; the many workers past them (a run on thousands of virtual threads, which run a few at a time on the
 * carriers) keep the five counters alone, a sixth of the memory.
 */
final class WorkerCounts {

    static final int STARTED = 8;
    static final int SUCCEEDED = 9;
    static final int FAILED = 10;
    static final int CANCELLED = 11;
    /** Inputs the task function sent again elsewhere ({@link Parallelized#countResubmission()}). */
    static final int RESUBMITTED = 12;

    private static final int COUNTERS = RESUBMITTED - STARTED + 1;
    /** Longs after the counters of a padded array: with the {@link #STARTED} before them, a cache line each side. */
    private static final int PADDING_AFTER = 7;

    /**
     * The handle of the slots, made at the first count (on a worker) rather than when a cold {@code start()} makes
     * the counts: its class is not in the JDK's archive.
     */
    private static final class Slots {
        static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    }

    private final long[] slots;
    /** Where {@link #STARTED} is in {@link #slots}: after the padding, or first. */
    private final int base;

    WorkerCounts(boolean padded) {
        this.base = padded ? STARTED : 0;
        this.slots = new long[padded ? STARTED + COUNTERS + PADDING_AFTER : COUNTERS];
    }

    /** Single writer: a release store is enough, no atomic read-modify-write. */
    void increment(int slot) {
        int i = slot - STARTED + base;
        Slots.SLOT.setRelease(slots, i, (long) Slots.SLOT.getOpaque(slots, i) + 1);
    }

    /** Single writer, as {@link #increment}. */
    void add(int slot, long amount) {
        int i = slot - STARTED + base;
        Slots.SLOT.setRelease(slots, i, (long) Slots.SLOT.getOpaque(slots, i) + amount);
    }

    long get(int slot) {
        return (long) Slots.SLOT.getAcquire(slots, slot - STARTED + base);
    }
}
