package io.github.parallelized.spring;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the named limits ({@code parallelized.limits.<name>.concurrency}, {@code .rate},
 * {@code .per}): the {@link ParallelizedLimits} registry, a {@code TaskLimit} bean per name (bean name
 * {@code parallelized.limits.<name>}, qualifier {@code <name>}), and with a {@code MeterRegistry} their meters
 * ({@code parallelized.limit.waiting}, {@code parallelized.limit.permits}). Ordered after Spring Boot's metrics
 * auto-configurations, so that the registry bean is known when the meters' condition is evaluated.
 */
@AutoConfiguration(after = ParallelizedAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@Import({LimitRegistrar.class, ParallelizedLimitsAutoConfiguration.MetersConfiguration.class})
public final class ParallelizedLimitsAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedLimitsAutoConfiguration() {
    }

    /** The meters of the named limits, when the application has a {@code MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetersConfiguration {

        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        LimitMeters parallelizedLimitMeters(MeterRegistry registry, ParallelizedLimits limits,
                                            LimitProperties properties) {
            return new LimitMeters(registry, limits, properties);
        }
    }
}
