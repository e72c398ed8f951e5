package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inputs that one worker took from the source in one read, with consecutive sequence numbers from {@link #base}:
 * admitted together, so that trivial tasks pay for the read lock and the admitted count once per claim instead of
 * once per input. Its worker takes them one at a time; any other worker may steal the next unstarted one (so
 * that a task waiting for an input behind it in the same claim cannot deadlock), and each is taken exactly once
 * (one atomic add, never contended by its worker alone). A claim is never refilled: the next read makes a new
 * one, so a thief holding an old claim cannot take from the wrong one.
 */
final class Claim<I> {

    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), Claim.class, "next", int.class);

    /** The largest claim; a run's own limit is also a share of its window ({@link Admission}). */
    static final int MAX_SIZE = 64;

    private static final Claim<?> NONE = new Claim<>(new Object[0], 0, 0, null);

    private final Object[] inputs;
    private final long base;
    private final int size;
    /** The index of the next unstarted input; may run past {@link #size} when takers race at the end. */
    @SuppressWarnings("unused") // through NEXT
    private volatile int next;
    /**
     * The run's count of claims that still hold inputs for others (claims of more than one): taken down by whoever
     * takes this claim's last input, so that a worker with nothing to do looks at the other claims only when one
     * may hold something (a run of 10,000 virtual threads would otherwise read 10,000 claims per worker at its end).
     */
    private final AtomicInteger open;

    Claim(Object[] inputs, int size, long base, AtomicInteger open) {
        this.inputs = inputs;
        this.size = size;
        this.base = base;
        this.open = size > 1 ? open : null;
        if (this.open != null) {
            this.open.incrementAndGet();
        }
    }

    @SuppressWarnings("unchecked")
    static <I> Claim<I> none() {
        return (Claim<I>) NONE;
    }

    /** Takes the next unstarted input into the worker, with its sequence number; false when none is left. */
    @SuppressWarnings("unchecked")
    boolean takeInto(Worker<I, ?> worker) {
        if (next >= size) {
            return false; // a plain look first: a thief scanning empty claims writes nothing
        }
        int index = (int) NEXT.getAndAdd(this, 1);
        if (index >= size) {
            return false;
        }
        worker.input = (I) inputs[index];
        worker.seq = base + index;
        inputs[index] = null; // taken exactly once: let it go with its outcome
        if (index == size - 1 && open != null) {
            open.decrementAndGet();
        }
        return true;
    }

    /** Takes every input not taken yet at once; returns the index of the first, {@link #size()} when none. */
    int takeRest() {
        while (true) {
            int from = next;
            if (from >= size) {
                return size;
            }
            if (NEXT.compareAndSet(this, from, size)) {
                if (open != null) {
                    open.decrementAndGet(); // the last input is among those taken
                }
                return from;
            }
        }
    }

    /** An input taken by {@link #takeRest()}, let go. */
    @SuppressWarnings("unchecked")
    I release(int index) {
        I input = (I) inputs[index];
        inputs[index] = null;
        return input;
    }

    long base() {
        return base;
    }

    /** How many inputs of this claim no worker has taken yet. */
    int unstarted() {
        return Math.max(0, size - next);
    }

    int size() {
        return size;
    }
}
