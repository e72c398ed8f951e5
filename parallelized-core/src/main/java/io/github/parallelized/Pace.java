package io.github.parallelized;

/**
 * How one worker loop paces its reads of the source (see {@link Admission}): the size of its next claim, adapted to
 * how long the inputs of its last one took each; which other worker it looks at next for a stalled claim, and
 * when; its spin budget while it waits for room. The active loop's alone: plain fields.
 */
final class Pace {

    /**
     * A claim grows while its inputs take less than this each, read and run: then the read lock and the admitted
     * count, not the tasks, would be the cost. Above {@link #SHRINK_NANOS} it is back to one input, so that slow
     * tasks never hold inputs behind them.
     */
    static final long GROW_NANOS = 2_000;
    static final long SHRINK_NANOS = 20_000;

    /** The worker it looks at next for a stalled claim, and when (see {@link Admission}). */
    int probe;
    long nextProbe;
    /** Its spin budget while it waits for room (adapted like the consumer's). */
    int roomSpins = Handoff.MIN_SPINS;
    /** The size asked for and the size and time of its last claim read. */
    private int claimTarget;
    private int claimSize;
    private long claimedAt;

    /** The size of the next claim, adapted to how long the inputs of the last one took each. */
    int nextClaimSize(long now, int max) {
        if (claimSize == 0) {
            return 1;
        }
        long each = (now - claimedAt) / claimSize;
        return each < GROW_NANOS ? Math.min(max, claimTarget * 2)
                : each > SHRINK_NANOS ? 1 : Math.min(max, claimTarget);
    }

    /** A claim of {@code size} inputs (of {@code target} asked for) was read at {@code now}. */
    void claimed(int target, int size, long now) {
        claimTarget = target;
        claimSize = size;
        claimedAt = now;
    }
}
