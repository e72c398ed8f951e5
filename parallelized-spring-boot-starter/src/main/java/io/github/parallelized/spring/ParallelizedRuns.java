package io.github.parallelized.spring;

import java.util.List;
import java.util.Optional;

import io.github.parallelized.ProgressSnapshot;

/**
 * The runs of the factory, live and recently finished (for {@code parallelized.metrics.retention}): the one
 * registry that the actuator endpoint, the meters, the health contributor and shutdown read. Inject it to show or
 * cancel runs in the application's own API instead of keeping a list of them. Thread-safe.
 */
public interface ParallelizedRuns {

    /**
     * All runs known: live ones in start order, then finished ones, the latest first.
     *
     * @return their snapshots
     */
    List<ProgressSnapshot> list();

    /**
     * One run.
     *
     * @param id the run's id
     * @return its snapshot, or empty if it is unknown or its retention is over
     */
    Optional<ProgressSnapshot> find(String id);

    /**
     * Cancels a live run (its consumer then receives the outcomes of the inputs started, and the inputs never
     * started stay in {@link io.github.parallelized.Parallelized#remaining()}); a finished one is left as it is.
     *
     * @param id the run's id
     * @return its snapshot just after the cancel, or empty if it is unknown
     */
    Optional<ProgressSnapshot> cancel(String id);

    /**
     * How many runs are going on.
     *
     * @return the number of live runs
     */
    int activeCount();
}
