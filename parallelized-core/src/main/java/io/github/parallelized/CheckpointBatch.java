package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;

/**
 * One batch of a checkpointed run's inputs in source order ({@link CheckpointReader}), from its reading through its
 * lookup ({@link CheckpointLookup}) to its hand-over to the engine ({@link CheckpointSkipping}): OPEN while inputs
 * are read into it, CLOSED when full or at the source's end, LOOKING once a thread claimed its lookup, DONE when
 * {@link #passed} holds what goes on. Guarded by the reader's monitor, except {@link #inputs} while LOOKING (the
 * thread that claimed it alone reads them).
 */
final class CheckpointBatch<I> {

    static final int OPEN = 0;
    static final int CLOSED = 1;
    static final int LOOKING = 2;
    static final int DONE = 3;

    final ArrayList<I> inputs = new ArrayList<>();
    /** When its first input was read. */
    long firstRead;
    int state = OPEN;
    /** After the lookup: the inputs to pass on, in source order; a {@link Twin} for a duplicate key. */
    List<Object> passed;
    /** The source failed right after these inputs: thrown to the engine once they are passed on. */
    Throwable failure;

    /** An input whose key was in flight in this run when it was looked up: resolved when the engine takes it. */
    record Twin(Object input, String key) {
    }
}
