package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The limits of {@code limitPerKey(key, limit)}: one independent copy of the template limit per key value, made
 * when the key is first seen and forgotten when it is idle, so that a million distinct keys run in the memory of
 * those in use. The copies belong to the template ({@link TaskLimit#copies()}): runs given the same template share
 * the copy of each key, as runs given the same limit share it; the key function is each run's own.
 *
 * <p>Lifecycle of an {@link Entry}: made by {@link #pin} for an input (pins 1); pinned again by every other input
 * of its key that arrives while it is known; unpinned by {@link #unpin} when an input is done with it (its outcome
 * is decided: no permit held, no wait pending). An entry whose pins are 0 and whose limit is idle (no start in its
 * rate windows) may be <em>retired</em>: a sweep sets its pin count to -1, checks that it is idle, and then removes it
 * from the map for good (or, busy after all, sets the count back to 0); an input that finds an entry being retired
 * waits for that moment and looks again. A pinned entry is never retired, so two inputs of one key
 * never hold two copies at once. Retiring happens in a sweep, by one thread at a time, when the map has grown to
 * twice its size after the last sweep (at least {@link #MIN_SWEEP}): amortised O(1) per pin.
 *
 * <p>Thread-safe.
 *
 * @param <I> the input type
 */
final class KeyedLimits<I> {

    /** Below this many keys nothing is swept. */
    static final int MIN_SWEEP = 1024;
    private static final int RETIRED = -1;

    private final Function<? super I, ?> key;
    private final Copies copies;

    /** A run's per-key limits: the key function, and the copies the template shares with other runs. */
    KeyedLimits(Function<? super I, ?> key, TaskLimit template) {
        this.key = Objects.requireNonNull(key, "key");
        this.copies = Objects.requireNonNull(template, "limit").copies();
    }

    /** With copies of its own and the clock of their idle check: for tests. */
    KeyedLimits(Function<? super I, ?> key, TaskLimit template, LongSupplier nanoTime) {
        this.key = Objects.requireNonNull(key, "key");
        this.copies = new Copies(Objects.requireNonNull(template, "limit"), nanoTime);
    }

    /**
     * The limit of this input's key, pinned until {@link #unpin}; or, when the key function throws or returns
     * null, an entry whose {@link Entry#error()} is the input's failure (nothing pinned then).
     */
    Entry pin(I input) {
        Object k;
        try {
            k = key.apply(input);
        } catch (Throwable e) {
            return new Entry(null, null, new ParallelizedException("the limitPerKey key function threw: "
                    + Errors.describe(e, false), e));
        }
        if (k == null) {
            return new Entry(null, null, new ParallelizedException("the limitPerKey key function returned null: "
                    + "every input needs a key", null));
        }
        try {
            return copies.pin(k); // the key's own hashCode() and equals() run here
        } catch (Throwable e) {
            return new Entry(null, null, new ParallelizedException("the limitPerKey key's hashCode() or equals() "
                    + "threw: " + Errors.describe(e, false), e));
        }
    }

    /** The input is done with its key's limit (no permit held, no wait pending). */
    void unpin(Entry entry) {
        if (entry.limit != null) {
            Entry.PINS.getAndAdd(entry, -1);
        }
    }

    /** Keys known now: pinned, or not yet swept. */
    int size() {
        return copies.entries.size();
    }

    /** Forgets the keys that are unpinned and idle: for the engine at a run's end, and for tests. */
    void sweep() {
        copies.sweep();
    }

    /** The copies of one template, one per key value, shared by every run given that template. Thread-safe. */
    static final class Copies {
        private final TaskLimit template;
        private final LongSupplier nanoTime;
        private final ConcurrentHashMap<Object, Entry> entries = new ConcurrentHashMap<>();
        private final AtomicBoolean sweeping = new AtomicBoolean();
        private volatile int sweepAt = MIN_SWEEP;

        Copies(TaskLimit template, LongSupplier nanoTime) {
            this.template = template;
            this.nanoTime = nanoTime;
        }

        private Entry pin(Object k) {
            while (true) {
                Entry entry = entries.computeIfAbsent(k, absent -> new Entry(absent, template.copy(), null));
                if (entry.tryPin()) {
                    if (entries.size() >= sweepAt) {
                        sweep();
                    }
                    return entry;
                }
                // a sweep is retiring it: it either leaves the map (the next lookup makes a new one) or comes back
                Thread.onSpinWait();
            }
        }

        /** Forgets the entries that are unpinned and idle; the next sweep waits for twice the survivors. */
        void sweep() {
            if (!sweeping.compareAndSet(false, true)) {
                return;
            }
            try {
                long now = nanoTime.getAsLong();
                for (Iterator<Map.Entry<Object, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                    Entry entry = it.next().getValue();
                    // retired first, checked after: while retired nobody can pin it and start a task under it, so
                    // an idle answer stays true (checked first, a pin, a start and an unpin could slip in between)
                    if (entry.pins != 0 || !Entry.PINS.compareAndSet(entry, 0, RETIRED)) {
                        continue;
                    }
                    boolean idle = false;
                    try {
                        idle = entry.limit.idle(now);
                    } finally {
                        if (idle) {
                            forget(it, entry);
                        } else {
                            entry.pins = 0;
                        }
                    }
                }
                sweepAt = Math.max(MIN_SWEEP, 2 * entries.size());
            } finally {
                sweeping.set(false);
            }
        }

        /**
         * Removes a retired entry from the map. A key whose {@code hashCode()} or {@code equals()} throws now (a key
         * that lies only sometimes) cannot be found to be removed: its entry stays, back in service, else it would
         * stay retired in the map and every later input of an equal key would wait for ever for it to leave; and the
         * sweep goes on (the input whose pin started it is not failed for another key's lie).
         */
        private static void forget(Iterator<Map.Entry<Object, Entry>> it, Entry entry) {
            try {
                it.remove();
            } catch (Throwable e) {
                entry.pins = 0;
            }
        }
    }

    /** One key's limit, or a key function's failure. */
    static final class Entry {
        private final Object key;
        private final TaskLimit limit;
        private final ParallelizedException error;
        private static final VarHandle PINS = VarHandles.field(MethodHandles.lookup(), Entry.class, "pins", int.class);

        /** Inputs holding it; {@link #RETIRED} once it left the map for good. */
        private volatile int pins;

        Entry(Object key, TaskLimit limit, ParallelizedException error) {
            this.key = key;
            this.limit = limit;
            this.error = error;
        }

        private boolean tryPin() {
            while (true) {
                int n = pins;
                if (n == RETIRED) {
                    return false;
                }
                if (PINS.compareAndSet(this, n, n + 1)) {
                    return true;
                }
            }
        }

        /** The last {@link #with} answer: one run at a time usually uses a key. */
        private volatile Combined combined;

        /**
         * This key's limit together with a run's own limit: the same instance for every input of the key in that
         * run (so that the inputs waiting for it wait together, one wake-up for all), made again only when runs
         * with different limits take turns.
         */
        TaskLimit with(TaskLimit runLimit) {
            Combined last = combined;
            if (last != null && last.runLimit == runLimit) {
                return last.both;
            }
            TaskLimit both = runLimit.and(limit);
            combined = new Combined(runLimit, both);
            return both;
        }

        private record Combined(TaskLimit runLimit, TaskLimit both) {
        }

        /** The key's own limit, or null when {@link #error()} is set. */
        TaskLimit limit() {
            return limit;
        }

        /** The key value, or null when {@link #error()} is set. */
        Object key() {
            return key;
        }

        /** The input's failure when its key could not be computed, else null. */
        ParallelizedException error() {
            return error;
        }
    }
}
