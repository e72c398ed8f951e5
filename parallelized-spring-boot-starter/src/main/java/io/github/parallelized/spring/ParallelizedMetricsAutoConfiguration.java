package io.github.parallelized.spring;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the runs' Micrometer meters ({@code parallelized.tasks}, {@code parallelized.progress},
 * {@code parallelized.task.duration}, {@code parallelized.batches.active}) and the shared pool's
 * ({@code executor.*} tagged {@code name=parallelizedSharedPool}) when the application has a
 * {@code MeterRegistry}. Ordered after Spring Boot's metrics auto-configurations, including the composite
 * registry's, so that the registry bean is known when its condition is evaluated.
 */
@AutoConfiguration(after = ParallelizedAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@EnableConfigurationProperties(ParallelizedProperties.class)
public final class ParallelizedMetricsAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnBean({MeterRegistry.class, RunRegistry.class})
    MicrometerProgress parallelizedMetrics(MeterRegistry registry, RunRegistry runs, ParallelizedProperties properties) {
        return new MicrometerProgress(registry, runs,
                properties.getMetrics().getMaxBatches(), properties.getMetrics().isPercentilesHistogram(),
                properties.getMetrics().getHistogramBuckets());
    }

    @Bean
    @ConditionalOnBean({MeterRegistry.class, SharedPool.class})
    SharedPoolMeters parallelizedSharedPoolMeters(MeterRegistry registry, SharedPool pool) {
        return new SharedPoolMeters(registry, pool);
    }
}
