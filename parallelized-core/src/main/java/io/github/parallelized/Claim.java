package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inputs that one worker read from the source in one hold of the read lock, with consecutive sequence numbers from
 * {@link #base}: so that trivial tasks pay for the read lock once per claim instead of once per input. Each input
 * is admitted and published here the moment it is read, before the next read (which may block: a queue, a cursor,
 * a socket), so that another worker can take it at once; its reader takes the next unstarted one once it stops
 * reading. Each input is taken exactly once (a compare-and-set on {@link #next}). A claim is never refilled after
 * it is {@link #seal sealed}: the next read makes a new one, so a thief holding an old claim cannot take from the
 * wrong one.
 *
 * <p>Writers: the reader alone appends and seals (under the read lock); any worker takes; a stop takes the rest.
 */
final class Claim<I> {

    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), Claim.class, "next", int.class);
    private static final VarHandle OPEN_COUNTED =
            VarHandles.field(MethodHandles.lookup(), Claim.class, "openCounted", int.class);

    /** The largest claim; a run's own limit is also a share of its window ({@link Admission}). */
    static final int MAX_SIZE = 64;

    private static final Claim<?> NONE = sealedEmpty();

    private final Object[] inputs;
    private final long base;
    /** How many inputs were published; written by the reader alone, after the input's slot. */
    private volatile int size;
    /** The index of the next unstarted input. */
    @SuppressWarnings("unused") // through NEXT
    private volatile int next;
    /** Set by the reader once it stopped reading into this claim. */
    private volatile boolean sealed;
    /**
     * The run's count of claims that may still hold inputs for others (claims of more than one): taken down once,
     * by whoever sees this claim sealed and emptied, so that a worker with nothing to do looks at the other claims
     * only when one may hold something (a run of 10,000 virtual threads would otherwise read 10,000 claims per
     * worker at its end).
     */
    private final AtomicInteger open;
    /** 1 once counted out; an int, as Handoff's flag is (see there). */
    @SuppressWarnings("unused") // through OPEN_COUNTED
    private volatile int openCounted;

    Claim(int capacity, long base, AtomicInteger open) {
        this.inputs = new Object[capacity];
        this.base = base;
        this.open = capacity > 1 ? open : null;
        if (this.open != null) {
            this.open.incrementAndGet();
        }
    }

    private static Claim<?> sealedEmpty() {
        Claim<?> none = new Claim<>(0, 0, null);
        none.sealed = true;
        return none;
    }

    @SuppressWarnings("unchecked")
    static <I> Claim<I> none() {
        return (Claim<I>) NONE;
    }

    /** The reader, under the read lock: one more admitted input, which any worker may take from now on. */
    void add(Object input) {
        int at = size;
        inputs[at] = input;
        size = at + 1; // a volatile store: publishes the slot
    }

    /** The reader stopped reading into this claim. */
    void seal() {
        sealed = true;
        closeIfEmptied();
    }

    /** Takes the next unstarted input into the worker, with its sequence number; false when none is there now. */
    @SuppressWarnings("unchecked")
    boolean takeInto(Worker<I, ?> worker) {
        while (true) {
            int index = next;
            if (index >= size) {
                return false; // plain looks first: a thief scanning empty claims writes nothing
            }
            if (NEXT.compareAndSet(this, index, index + 1)) {
                worker.input = (I) inputs[index];
                worker.seq = base + index;
                inputs[index] = null; // taken exactly once: let it go with its outcome
                closeIfEmptied();
                return true;
            }
        }
    }

    /** Counts this claim out of the open ones once it is sealed and nothing is left in it. */
    private void closeIfEmptied() {
        if (open != null && sealed && next >= size && OPEN_COUNTED.compareAndSet(this, 0, 1)) {
            open.decrementAndGet();
        }
    }

    /** What a stop does with the inputs nobody took: each with its sequence number. */
    interface Rest<I> {
        void given(long seq, I input);
    }

    /**
     * Takes every input published and not taken yet at once, and hands each to {@code rest}; returns how many. The
     * reader gives back again what it publishes after a stop.
     */
    @SuppressWarnings("unchecked")
    int takeRest(Rest<I> rest) {
        while (true) {
            int from = next;
            int to = size;
            if (from >= to) {
                return 0;
            }
            if (NEXT.compareAndSet(this, from, to)) {
                for (int i = from; i < to; i++) {
                    rest.given(base + i, (I) inputs[i]);
                    inputs[i] = null;
                }
                closeIfEmptied();
                return to - from;
            }
        }
    }

    /** How many inputs of this claim no worker has taken yet. */
    int unstarted() {
        return Math.max(0, size - next);
    }

    int size() {
        return size;
    }
}
