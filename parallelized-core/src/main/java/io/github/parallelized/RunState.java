package io.github.parallelized;

/** The life cycle of one run, as its {@link ProgressSnapshot} and {@link Summary} report it. */
public enum RunState {
    /** Started, and tasks may still run. */
    RUNNING,
    /**
     * Every input of the source became an outcome (and, with a {@linkplain Parallelized.Builder#checkpoint
     * checkpoint}, every outcome to record was recorded).
     */
    COMPLETED,
    /** Stopped early: {@link Parallelized#cancel()}, an interrupt, or the consumer stopped iterating. */
    CANCELLED,
    /**
     * Stopped by its failure policy (for instance fail-fast), or because its task source threw, or its checkpoint
     * store failed (also at the last write, once every outcome was in), or no worker could go on.
     */
    FAILED
}
