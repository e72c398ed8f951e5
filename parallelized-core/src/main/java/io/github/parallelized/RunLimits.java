package io.github.parallelized;

import java.util.function.Function;

/**
 * The limits of one run, for its attempt path: the run's {@code limit(TaskLimit)} and its
 * {@code limitPerKey(key, limit)}, combined per input into one {@link Slot} that takes both sets of permits at once.
 *
 * <p>Lifecycle of a {@link Slot}, one per input: {@link #slot} when the input is taken up (its key is computed and
 * pinned once, not per attempt; a key that cannot be computed gives a slot whose {@link Slot#error()} is the
 * input's failure); then per attempt {@link Slot#tryAcquire} until it answers 0, the attempt, and
 * {@link Slot#release()} when the attempt ends (for an asynchronous function: when its stage completes); finally
 * {@link Slot#close()} once the input's outcome is decided, which also releases a permit still held and ends a
 * wait still counted. A slot is used by one thread at a time (the one that handles its input), handed between
 * threads with the input.
 *
 * @param <I> the input type
 */
final class RunLimits<I> {

    private final TaskLimit limit;
    private final KeyedLimits<I> keyed;

    private RunLimits(TaskLimit limit, KeyedLimits<I> keyed) {
        this.limit = limit;
        this.keyed = keyed;
    }

    /**
     * The run's limits, or null when it has none (the attempt path then skips them entirely).
     *
     * @param limit  the run's {@code limit(...)}, or null
     * @param key    the key function of {@code limitPerKey(...)}, or null
     * @param perKey its template, or null
     */
    static <I> RunLimits<I> of(TaskLimit limit, Function<? super I, ?> key, TaskLimit perKey) {
        KeyedLimits<I> keyed = perKey == null ? null : new KeyedLimits<>(key, perKey);
        return limit == null && keyed == null ? null : new RunLimits<>(limit, keyed);
    }

    /** The slot of an input taken up: its key pinned, its limits combined. */
    Slot slot(I input) {
        if (keyed == null) {
            return new Slot(limit, null, null);
        }
        KeyedLimits.Entry entry = keyed.pin(input);
        if (entry.error() != null) {
            return new Slot(null, null, entry.error());
        }
        // one instance per key (and run limit), so that the inputs of a key that wait, wait together
        return new Slot(limit == null ? entry.limit() : entry.with(limit), entry, null);
    }

    /** At the run's end: forgets the idle keys now rather than at the next run's pins. */
    void sweep() {
        if (keyed != null) {
            keyed.sweep();
        }
    }

    /** One input's limits. Not thread-safe: used by the thread that handles the input. */
    final class Slot {
        private final TaskLimit combined;
        private final KeyedLimits.Entry entry;
        private final ParallelizedException error;
        private boolean holding;
        /** The number of the thread that took the permits held ({@link TaskLimit#thread()}): they go back there. */
        private int thread;
        private boolean waiting;
        private boolean closed;
        /** The limit's releases read at the last refusal by {@link TaskLimit#ON_RELEASE}: what a park compares with. */
        private long seenReleases;

        private Slot(TaskLimit combined, KeyedLimits.Entry entry, ParallelizedException error) {
            this.combined = combined;
            this.entry = entry;
            this.error = error;
        }

        /** The input's failure when its key could not be computed (then it must not start), else null. */
        ParallelizedException error() {
            return error;
        }

        /** The limit to wait on when {@link #tryAcquire} answers {@link TaskLimit#ON_RELEASE}. */
        TaskLimit limit() {
            return combined;
        }

        /**
         * Takes the permits for one attempt: 0 when taken (then {@link #release()} is owed); else
         * {@link TaskLimit#ON_RELEASE} or the nanoseconds until a rate allows the start. The first refusal counts the
         * input as waiting for the limit, the success ends that.
         */
        long tryAcquire(long nowNanos) {
            if (holding) {
                throw new IllegalStateException("the permits of the previous attempt were not released");
            }
            int number = TaskLimit.thread();
            long wait = combined.tryAcquire(nowNanos, number);
            if (wait == 0) {
                holding = true;
                thread = number;
                waiting(false);
            } else {
                waiting(true);
            }
            return wait;
        }

        /**
         * The engine's one way to take an attempt's permits: 0 when taken; else the wait to park with, and for
         * {@link TaskLimit#ON_RELEASE} the releases to park against ({@link #seenReleases()}). The releases (a line
         * that runs contend for) are read only after a refusal, then the permits are tried once more: a release that
         * came between the two is caught by the second try, a later one changes the count the park compares with.
         */
        long acquire() {
            TaskLimit limit = combined;
            long wait = tryAcquire(limit.timed() ? System.nanoTime() : 0);
            if (wait == TaskLimit.ON_RELEASE) {
                seenReleases = limit.releases();
                wait = tryAcquire(limit.timed() ? System.nanoTime() : 0);
            }
            return wait;
        }

        /** The releases read at the last refusal of {@link #acquire()}. */
        long seenReleases() {
            return seenReleases;
        }

        /** The attempt ended: gives its permits back (nothing if none held). */
        void release() {
            if (holding) {
                holding = false;
                combined.release(thread);
            }
        }

        /** The input's outcome is decided: gives back what it still holds and forgets its key. Idempotent. */
        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (combined != null) {
                release();
                waiting(false);
            }
            if (entry != null) {
                keyed.unpin(entry);
            }
        }

        private void waiting(boolean now) {
            if (waiting != now) {
                waiting = now;
                combined.waiting(now ? 1 : -1);
            }
        }
    }
}
