package io.github.parallelized;

/**
 * Where a striped {@link ConcurrencyPermits}' cells lie in its array of longs, and how a cell's word reads: the
 * permits the cell holds (bits 0-31), its lease unused (bits 32-62), closed (bit 63).
 */
final class PermitCells {
    /** The cells of a striped limit: a power of two, four a processor, 4 to 64. */
    static final int CELLS = Math.max(4, Math.min(64,
            Integer.highestOneBit(Math.max(1, 4 * Runtime.getRuntime().availableProcessors() - 1)) << 1));
    /** Longs from one cell's word to the next: two cache lines (an adjacent-line prefetch shares none). */
    static final int STRIDE = 16;
    /** One permit of a cell's lease unused. */
    static final long ONE_FREE = 1L << 32;
    /** A closed cell: it leases no more, and what is given back to it goes on to the shared count. */
    static final long CLOSED = 1L << 63;

    private PermitCells() {
    }

    /** The index of the word of the cell of the thread of number {@code thread}. */
    static int cell(int thread) {
        return ((thread & (CELLS - 1)) + 1) * STRIDE;
    }

    /** The permits a cell holds for tasks. */
    static int held(long word) {
        return (int) word;
    }

    /** The permits of a cell's lease not used. */
    static int leaseUnused(long word) {
        return (int) ((word & ~CLOSED) >>> 32);
    }

    /** Whether a cell is open: not closed under pressure. */
    static boolean open(long word) {
        return (word & CLOSED) == 0;
    }
}
