package io.github.parallelized.spring;

import io.github.parallelized.CheckpointStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code parallelized} actuator endpoint, when Actuator is on the class path and the
 * endpoint is available under Spring Boot's ordinary {@code management.endpoint(s).*} rules (for the web, it
 * must be listed in {@code management.endpoints.web.exposure.include}), and of the {@code parallelized} health
 * contributor.
 */
@AutoConfiguration(after = ParallelizedAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
public final class ParallelizedEndpointAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RunRegistry.class)
    @ConditionalOnAvailableEndpoint
    ParallelizedEndpoint parallelizedEndpoint(RunRegistry registry, ObjectProvider<CheckpointStore> checkpoints,
                                              ObjectProvider<ClusterRunsView> clusterRuns) {
        return new ParallelizedEndpoint(registry, checkpoints.getIfUnique(), clusterRuns.getIfUnique());
    }

    /** The {@code parallelized} health contributor, when Spring Boot's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {

        /**
         * {@code management.health.parallelized.enabled}; nested one level deeper so that its condition, a class
         * of Spring Boot's health support, is read only once that support is known to be there.
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnEnabledHealthIndicator("parallelized")
        static class EnabledHealthConfiguration {

            @Bean
            @ConditionalOnMissingBean(name = "parallelizedHealthIndicator")
            @ConditionalOnBean(RunRegistry.class)
            ParallelizedHealthIndicator parallelizedHealthIndicator(RunRegistry registry,
                                                                    ObjectProvider<SharedPool> sharedPool,
                                                                    RunShutdown shutdown,
                                                                    ObjectProvider<ClusterRunsView> clusterRuns) {
                return new ParallelizedHealthIndicator(registry, sharedPool.getIfAvailable(), shutdown,
                        clusterRuns.getIfUnique());
            }
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParallelizedEndpoint.class)
    ParallelizedWebEndpointExtension parallelizedWebEndpointExtension(ParallelizedEndpoint endpoint) {
        return new ParallelizedWebEndpointExtension(endpoint);
    }
}
