package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Room in the admission window: fewer than {@code window} inputs admitted and not yet consumed. The consumer counts
 * what it took; a worker with no room spins a little, then waits on a monitor of its own after announcing the wait,
 * and the consumer wakes it (see the handshake in {@code package-info.java}). The monitor is held only by this
 * class, briefly, never across a user callback.
 */
final class Room {

    /** How long a worker waits for room before it looks again for an input to steal. */
    static final long RECHECK_MILLIS = 10;

    private final Object monitor = new Object();
    private final Consumed consumed = new Consumed();
    /** The admitted count, which the window bounds. */
    final Cursor cursor = new Cursor();
    private final int window;
    /** A power of two minus one: waiting workers are woken when the consumed count has these bits clear. */
    private final long wakeStep;
    /**
     * Bumped by {@link #nudge}: a worker spinning for room sees it at its next look. A plain increment of a
     * volatile: two racing bumps may count one, and either way the value changed.
     */
    private volatile int nudges;
    /**
     * What a worker does before it waits for room: an asynchronous run starts its due retries there (they hold
     * their places already, and the room may only come once they end) and takes back the place the worker reserved.
     * Null for nothing (a lambda doing nothing would cost a cold start() its class).
     */
    private volatile Consumer<Worker<?, ?>> beforeWait;
    /**
     * True when a worker has other work than the source: a blocking run's parked inputs (see {@link Tasks}) that
     * are ready. A worker that would wait for room goes to take them instead. Null: never.
     */
    private volatile BooleanSupplier readyElsewhere;

    Room(int window) {
        this.window = window;
        this.wakeStep = Long.highestOneBit(Math.max(1, Math.min(Claim.MAX_SIZE, window / 4))) - 1;
    }

    /** The admitted count up to which the window has room now (reads the consumer's count: a cache miss). */
    long limit() {
        return consumed.value + window;
    }

    void beforeWait(Consumer<Worker<?, ?>> action) {
        beforeWait = action;
    }

    void readyElsewhere(BooleanSupplier ready) {
        readyElsewhere = ready;
    }

    /**
     * Waits for room, or for a nudge, bounded; false at once when the worker has other work (see {@link
     * #readyElsewhere}). First a short adaptive spin, as the consumer does: while it takes
     * outcomes, room comes within microseconds, and sleeping on the monitor would cost a wake-up (a system call
     * each side) per claim.
     *
     * @throws InterruptedException when the run interrupts the waiting worker
     */
    boolean await(Worker<?, ?> worker) throws InterruptedException {
        BooleanSupplier ready = readyElsewhere;
        if (ready != null && ready.getAsBoolean()) {
            return false;
        }
        Consumer<Worker<?, ?>> before = beforeWait;
        if (before != null) {
            before.accept(worker);
        }
        Pace pace = worker.pace();
        int budget = pace.roomSpins;
        int seen = nudges;
        for (int spin = 0; spin < budget; spin++) {
            Thread.yield();
            long count = cursor.admitted();
            if (nudges != seen) {
                return true; // a retry fell due, or a parked input is ready: the worker looks again now, not after the spin
            }
            if ((count & Cursor.CLOSED) != 0 || count < consumed.value + window) {
                pace.roomSpins = Math.min(Handoff.MAX_SPINS, budget * 2);
                return true;
            }
        }
        pace.roomSpins = Math.max(Handoff.MIN_SPINS, budget / 2);
        synchronized (monitor) {
            // announce the wait before looking again, so that the consumer cannot miss it (both are volatile)
            consumed.waitingForRoom++;
            try {
                long count = cursor.admitted();
                if ((count & Cursor.CLOSED) == 0 && count >= consumed.value + window) {
                    // bounded: a claim made after this worker looked for one to steal from holds no room for it,
                    // and the task it waits behind may wait for one of that claim's inputs
                    monitor.wait(RECHECK_MILLIS);
                }
            } finally {
                consumed.waitingForRoom--;
            }
        }
        return true;
    }

    /**
     * The consumer took one more outcome: room for one more input. Called by the consumer alone. A release store,
     * not a volatile one (that would cost a full fence per outcome): a worker that announced its wait just now may
     * not be seen here, and is seen by {@link #consumerWaits()}, which the consumer calls before it waits. Waiting
     * workers are woken once per {@link #wakeStep} + 1 outcomes, not per outcome: each wake-up then finds room
     * for a claim, instead of a worker and the consumer taking turns one input at a time.
     */
    void consumedOne() {
        Consumed count = consumed;
        long value = count.value + 1;
        Consumed.VALUE.setRelease(count, value);
        if ((value & wakeStep) == 0 && count.waitingForRoom > 0) {
            wakeAll();
        }
    }

    /** The consumer is about to wait for outcomes: wakes the workers that wait for the room it made. */
    void consumerWaits() {
        VarHandle.fullFence(); // orders the counts stored by consumedOne() before the read of the waiters
        if (consumed.waitingForRoom > 0) {
            wakeAll();
        }
    }

    /** Wakes the workers waiting for room, so that they look again (a retry fell due, a parked input is ready). */
    void nudge() {
        nudges++;
        if (consumed.waitingForRoom > 0) {
            wakeAll();
        }
    }

    void wakeAll() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /**
     * How many outcomes the consumer took: written by the consumer alone, padded off other hot fields (before by
     * {@link CacheLinePadding}, after by its own trailing longs), read by the workers only when their room is used.
     */
    static final class Consumed extends CacheLinePadding {
        static final VarHandle VALUE = VarHandles.field(MethodHandles.lookup(), Consumed.class, "value", long.class);

        volatile long value;
        /** Workers waiting for room; written under the room's monitor. */
        volatile int waitingForRoom;
        long q1;
        long q2;
        long q3;
        long q4;
        long q5;
        long q6;
        long q7;
    }
}
