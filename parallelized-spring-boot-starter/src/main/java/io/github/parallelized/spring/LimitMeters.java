package io.github.parallelized.spring;

import io.github.parallelized.TaskLimit;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of the named limits, tagged {@code limit=<name>}: {@code parallelized.limit.waiting} (tasks waiting
 * for the limit now), and {@code parallelized.limit.permits} with {@code kind=concurrency} (tasks holding a permit
 * now) and {@code kind=rate} (starts within the current window), each kind only when the limit has it. The gauges
 * hold the limits strongly: the limits live as long as the application context.
 */
final class LimitMeters {

    static final String WAITING = "parallelized.limit.waiting";
    static final String PERMITS = "parallelized.limit.permits";

    LimitMeters(MeterRegistry registry, ParallelizedLimits limits, LimitProperties properties) {
        limits.asMap().forEach((name, limit) -> {
            Gauge.builder(WAITING, limit, TaskLimit::waiting).tag("limit", name).strongReference(true)
                    .description("Tasks waiting for the limit").register(registry);
            LimitProperties.Limit settings = properties.getLimits().get(name);
            if (settings == null || settings.getConcurrency() != null) {
                Gauge.builder(PERMITS, limit, TaskLimit::inUse).tags("limit", name, "kind", "concurrency")
                        .strongReference(true).description("Tasks holding a permit of the limit").register(registry);
            }
            if (settings == null || settings.getRate() != null) {
                Gauge.builder(PERMITS, limit, TaskLimit::recentStarts).tags("limit", name, "kind", "rate")
                        .strongReference(true).description("Task starts within the limit's current window")
                        .register(registry);
            }
        });
    }
}
