package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The workers' side of admission (see {@link Admission}): the admitted count with its {@link #CLOSED} bit, the
 * known room, the drained flag; written per input. Padded off the fields that the consumer reads (before by
 * {@link CacheLinePadding}, after by its own trailing longs): {@link #limit} and {@link #drained} under the read
 * lock, the admitted count by CAS under the read lock, or, to close admission, by anyone.
 */
final class Cursor extends CacheLinePadding {

    /** Set in the admitted count once nothing more is admitted; the count below it is then final. */
    static final long CLOSED = 1L << 62;

    private static final VarHandle ADMITTED =
            VarHandles.field(MethodHandles.lookup(), Cursor.class, "admitted", long.class);

    /** How many inputs were admitted, plus {@link #CLOSED}. */
    private volatile long admitted;
    /** The count up to which the window had room when the consumer's count was last read. */
    long limit;
    boolean drained;
    long q1;
    long q2;
    long q3;
    long q4;
    long q5;
    long q6;
    long q7;

    long admitted() {
        return admitted;
    }

    boolean admit(long count, int inputs) {
        return ADMITTED.compareAndSet(this, count, count + inputs);
    }

    /** Closes admission; returns the count as it was (with {@link #CLOSED} if it was closed already). */
    long close() {
        return (long) ADMITTED.getAndBitwiseOr(this, CLOSED);
    }
}
