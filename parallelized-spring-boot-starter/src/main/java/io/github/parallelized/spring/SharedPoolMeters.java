package io.github.parallelized.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

/**
 * The shared pool's meters, in the form Spring Boot gives its own task executors: Micrometer's
 * {@code executor.*} meters ({@code executor.active}, {@code executor.pool.size}, {@code executor.pool.max},
 * {@code executor.queued}, {@code executor.completed}...) tagged {@code name=}{@value #NAME}.
 */
final class SharedPoolMeters {

    /** The {@code name} tag of the shared pool's meters. */
    static final String NAME = "parallelizedSharedPool";

    SharedPoolMeters(MeterRegistry registry, SharedPool pool) {
        new ExecutorServiceMetrics(pool.threadPool(), NAME, Tags.empty()).bindTo(registry);
    }
}
