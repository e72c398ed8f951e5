package io.github.parallelized.spring;

import java.util.List;

import io.github.parallelized.Parallelized;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code parallelized} health contributor: UP with the number of active runs and, with the shared pool, its
 * limit and how much of it is in use; DOWN only when the shared pool has stopped while the application still
 * runs (runs would fail to start). Never DOWN because the service is busy: a full pool is a bulkhead doing its
 * job, and a load balancer that took the instance out for it would only move the load. Thread-safe.
 */
final class ParallelizedHealthIndicator implements HealthIndicator {

    private final RunRegistry registry;
    private final SharedPool sharedPool;
    private final RunShutdown shutdown;

    /** @param sharedPool the shared pool, or null with {@code pool: per-run} */
    ParallelizedHealthIndicator(RunRegistry registry, SharedPool sharedPool, RunShutdown shutdown) {
        this.registry = registry;
        this.sharedPool = sharedPool;
        this.shutdown = shutdown;
    }

    @Override
    public Health health() {
        List<Parallelized<?, ?>> live = registry.live();
        long running = live.stream().mapToLong(run -> run.progress().snapshot().running()).sum();
        Health.Builder health = Health.up();
        if (sharedPool != null && sharedPool.isStopped() && shutdown.isRunning()) {
            health = Health.down().withDetail("reason", "the shared pool has stopped: runs of the factory cannot start");
        }
        health.withDetail("activeRuns", live.size()).withDetail("runningTasks", running);
        if (sharedPool != null) {
            health.withDetail("pool", "shared")
                    .withDetail("sharedLimit", sharedPool.limit())
                    .withDetail("sharedInUse", sharedPool.inUse());
        } else {
            health.withDetail("pool", "per-run");
        }
        return health.build();
    }
}
