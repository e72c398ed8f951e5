package io.github.parallelized.spring;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the runs' observations when the application has an {@code ObservationRegistry} (Spring
 * Boot makes one with Actuator): a {@code parallelized.run} observation per run, child of the caller's current
 * one and current inside its tasks (so a tracing bridge makes a span per run, the parent of the tasks' spans),
 * and with {@code parallelized.observation.tasks} one {@code parallelized.task} per attempt. A
 * {@link RunObservationConvention} or {@link TaskObservationConvention} bean replaces the default one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
@EnableConfigurationProperties(ParallelizedProperties.class)
public final class ParallelizedObservationAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedObservationAutoConfiguration() {
    }

    @Bean
    @Order(200)
    @ConditionalOnBean(ObservationRegistry.class)
    RunDecoration parallelizedObservations(ObservationRegistry registry,
                                           ObjectProvider<RunObservationConvention> runConvention,
                                           ObjectProvider<TaskObservationConvention> taskConvention,
                                           ParallelizedProperties properties) {
        return new ObservationDecoration(registry, runConvention.getIfUnique(), taskConvention.getIfUnique(),
                properties.getObservation().isTasks(), new BatchNames(properties.getMetrics().getMaxBatches()));
    }
}
