package io.github.parallelized;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A checkpointed run's source as the engine sees it ({@link Checkpointing}): the inputs without a recorded success,
 * in source order, taken batch by batch from {@link CheckpointBatches}. A duplicate of a key in flight ({@link
 * CheckpointBatch.Twin}) is resolved when it comes first ({@link CheckpointLookup#resolveTwin}); a source failure is
 * thrown at its place, after the inputs read before it.
 *
 * <p>Not thread-safe: the engine reads its source under its read lock, so {@code hasNext()} and {@code next()} are
 * called by one thread at a time.
 */
final class CheckpointSkipping<I> implements Iterator<I> {

    private final CheckpointReader<I> reader;
    private final CheckpointBatches<I> batches;
    private final CheckpointLookup<I> lookup;
    /** Stands for a null input in {@link #ready}, which refuses null (a run takes a null input as any other). */
    private static final Object NULL = new Object();

    /** Inputs to hand over in order ({@link #NULL} for null); a {@code Twin} is resolved when it comes first. */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private Throwable pendingFailure;
    private boolean failed;

    CheckpointSkipping(CheckpointReader<I> reader, CheckpointBatches<I> batches, CheckpointLookup<I> lookup) {
        this.reader = reader;
        this.batches = batches;
        this.lookup = lookup;
    }

    @Override
    public boolean hasNext() {
        while (true) {
            if (!ready.isEmpty()) {
                if (!(ready.peekFirst() instanceof CheckpointBatch.Twin twin)) {
                    return true;
                }
                ready.removeFirst();
                if (lookup.resolveTwin(twin)) {
                    ready.addFirst(masked(twin.input())); // runs, in its place
                    return true;
                }
                batches.skippedOne();
                continue;
            }
            if (pendingFailure != null) {
                Throwable failure = pendingFailure;
                pendingFailure = null;
                failed = true;
                throwUnchecked(failure);
            }
            if (failed || !takeBatch()) {
                return false;
            }
        }
    }

    @Override
    public I next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the source has no more inputs");
        }
        Object first = ready.removeFirst();
        @SuppressWarnings("unchecked")
        I input = first == NULL ? null : (I) first;
        return input;
    }

    private static Object masked(Object input) {
        return input == null ? NULL : input;
    }

    /** Hands over the next batch in source order into {@link #ready}; false once the source has no more. */
    private boolean takeBatch() {
        reader.start();
        CheckpointBatch<I> batch = batches.take(reader::readHere);
        if (batch == null) {
            return false;
        }
        for (Object input : batch.passed) {
            ready.add(masked(input));
        }
        pendingFailure = batch.failure;
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable error) throws E {
        throw (E) error;
    }
}
