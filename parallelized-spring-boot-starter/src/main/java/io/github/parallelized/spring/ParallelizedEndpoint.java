package io.github.parallelized.spring;

import java.time.Duration;
import java.util.List;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.ProgressSnapshot;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code parallelized} actuator endpoint: lists the factory's live and recently finished runs, shows one,
 * and cancels one (its consumer then receives the cancelled outcomes). A null answer is a 404 over HTTP.
 *
 * <p>Read-only unless the application says otherwise ({@code management.endpoint.parallelized.access:
 * unrestricted}), since cancelling is a write that nobody should reach without authorization; the README shows a
 * Spring Security rule for a writable one.
 */
@Endpoint(id = "parallelized", defaultAccess = Access.READ_ONLY)
class ParallelizedEndpoint {

    /** The most runs of the checkpoint store shown, and the most failed keys shown per run. */
    static final int MAX_CHECKPOINTS = 50;
    static final int MAX_FAILURES = 10;

    /** How long a read waits for the checkpoint store's answer before it shows the store as unavailable. */
    static final Duration CHECKPOINTS_BOUND = Duration.ofSeconds(2);

    private final RunRegistry registry;
    private final CheckpointQueries checkpoints;
    private final ClusterRunsView clusterRuns;

    ParallelizedEndpoint(RunRegistry registry) {
        this(registry, null, null);
    }

    /**
     * @param checkpoints the application's checkpoint store, or null
     * @param clusterRuns the cluster runs' figures, or null without cluster runs
     */
    ParallelizedEndpoint(RunRegistry registry, CheckpointStore checkpoints, ClusterRunsView clusterRuns) {
        this(registry, checkpoints, clusterRuns, CHECKPOINTS_BOUND);
    }

    /** @param checkpointsBound how long a read waits for the checkpoint store */
    ParallelizedEndpoint(RunRegistry registry, CheckpointStore checkpoints, ClusterRunsView clusterRuns,
                         Duration checkpointsBound) {
        this.registry = registry;
        this.checkpoints = checkpoints == null ? null
                : new CheckpointQueries(checkpoints, checkpointsBound, MAX_CHECKPOINTS, MAX_FAILURES);
        this.clusterRuns = clusterRuns;
    }

    /** A run's descriptor, with its {@code cluster} part when it is a cluster run. */
    private RunDescriptor describe(ProgressSnapshot snapshot) {
        return new RunDescriptor(snapshot, clusterRuns == null ? null : clusterRuns.describe(snapshot.id()));
    }

    /**
     * {@code GET /actuator/parallelized}: live runs in start order, then finished ones, the latest first; then, per
     * checkpointed run of the application's store, its succeeded and failed counts and its first failed keys with
     * their errors. A store that cannot answer (its database is down), or does not within
     * {@link #CHECKPOINTS_BOUND}, shows as one entry with its error; at most one query of the store is under way
     * whatever the number of reads. A cluster run also shows what each member runs and has done
     * ({@link ClusterDescriptor}).
     */
    @ReadOperation
    public RunsDescriptor runs() {
        return new RunsDescriptor(registry.snapshots().stream().map(this::describe).toList(), checkpoints());
    }

    private List<CheckpointDescriptor> checkpoints() {
        return checkpoints == null ? List.of() : checkpoints.read();
    }

    /** {@code GET /actuator/parallelized/{id}}: one run, or null (404) for an unknown id. */
    @ReadOperation
    public RunDescriptor run(@Selector String id) {
        return registry.snapshot(id).map(this::describe).orElse(null);
    }

    /** Cancels a live run (a finished one stays as it is) and answers it; null for an unknown id. */
    @DeleteOperation
    public RunDescriptor cancel(@Selector String id) {
        return registry.cancel(id).map(this::describe).orElse(null);
    }
}
