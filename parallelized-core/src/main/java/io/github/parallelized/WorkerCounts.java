package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Task counters: one worker's own, written by that worker alone (one loop runs at a time), or a stripe shared by
 * many workers, written atomically; read by anyone. The counters of each of the first workers sit in the middle of
 * a padded array, so two of them never write to the same cache line; the many workers past them (a run on
 * thousands of virtual threads, which run a few at a time on the carriers) share a few stripes, so that a reading
 * of the counts (each snapshot, and the run's end on its consumer) looks at a few dozen arrays, not ten thousand.
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
    /** A stripe that many workers write: an atomic add instead of one writer's store. */
    private final boolean shared;

    private WorkerCounts(boolean shared) {
        this.shared = shared;
        this.base = shared ? 0 : STARTED;
        this.slots = new long[shared ? COUNTERS : STARTED + COUNTERS + PADDING_AFTER];
    }

    /** The padded counters of one worker, which alone writes them. */
    static WorkerCounts own() {
        return new WorkerCounts(false);
    }

    /** A stripe of counters that several workers write. */
    static WorkerCounts stripe() {
        return new WorkerCounts(true);
    }

    void increment(int slot) {
        add(slot, 1);
    }

    /** One worker's own: a release store is enough, no atomic read-modify-write; a stripe adds atomically. */
    void add(int slot, long amount) {
        int i = slot - STARTED + base;
        if (shared) {
            Slots.SLOT.getAndAdd(slots, i, amount);
        } else {
            Slots.SLOT.setRelease(slots, i, (long) Slots.SLOT.getOpaque(slots, i) + amount);
        }
    }

    long get(int slot) {
        return (long) Slots.SLOT.getAcquire(slots, slot - STARTED + base);
    }
}
