package io.github.parallelized.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.parallelized.Parallelized;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code parallelized} health contributor: UP with the number of active runs and, with the shared pool, its
 * limit and how much of it is in use, and with cluster runs, the cluster's data members. DOWN when the shared pool
 * has stopped while the application still runs (runs would fail to start), or when a live cluster run still has
 * inputs to run and the cluster has no data member left to run them (lite members and clients run none): the
 * {@code reason} names the run. Never DOWN because the service is busy: a full pool is a bulkhead doing its job,
 * and a load balancer that took the instance out for it would only move the load. Thread-safe.
 */
final class ParallelizedHealthIndicator implements HealthIndicator {

    private final RunRegistry registry;
    private final SharedPool sharedPool;
    private final RunShutdown shutdown;
    private final ClusterRunsView clusterRuns;

    /** @param sharedPool the shared pool, or null with {@code pool: per-run} */
    ParallelizedHealthIndicator(RunRegistry registry, SharedPool sharedPool, RunShutdown shutdown) {
        this(registry, sharedPool, shutdown, null);
    }

    /**
     * @param sharedPool  the shared pool, or null with {@code pool: per-run}
     * @param clusterRuns the cluster runs, or null without cluster runs
     */
    ParallelizedHealthIndicator(RunRegistry registry, SharedPool sharedPool, RunShutdown shutdown,
                                ClusterRunsView clusterRuns) {
        this.registry = registry;
        this.sharedPool = sharedPool;
        this.shutdown = shutdown;
        this.clusterRuns = clusterRuns;
    }

    @Override
    public Health health() {
        List<Parallelized<?, ?>> live = registry.live();
        long running = live.stream().mapToLong(run -> run.progress().snapshot().running()).sum();
        List<String> reasons = new ArrayList<>();
        if (sharedPool != null && sharedPool.isStopped() && shutdown.isRunning()) {
            reasons.add("the shared pool has stopped: runs of the factory cannot start");
        }
        List<String> stranded = clusterRuns == null ? List.of() : clusterRuns.stranded();
        if (!stranded.isEmpty()) {
            reasons.add("the Hazelcast cluster has no data member left to run the tasks of cluster run"
                    + (stranded.size() == 1 ? " " : "s ") + String.join(", ", stranded)
                    + " (lite members and clients run none)");
        }
        Health.Builder health = reasons.isEmpty() ? Health.up()
                : Health.down().withDetail("reason", String.join("; ", reasons));
        health.withDetail("activeRuns", live.size()).withDetail("runningTasks", running);
        if (sharedPool != null) {
            health.withDetail("pool", "shared")
                    .withDetail("sharedLimit", sharedPool.limit())
                    .withDetail("sharedInUse", sharedPool.inUse());
        } else {
            health.withDetail("pool", "per-run");
        }
        if (clusterRuns != null) {
            health.withDetail("clusterDataMembers", clusterRuns.dataMembers());
        }
        if (!stranded.isEmpty()) {
            health.withDetail("strandedClusterRuns", stranded);
        }
        return health.build();
    }
}
