package io.github.parallelized.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code parallelized} actuator endpoint, when Actuator is on the class path and the
 * endpoint is available under Spring Boot's ordinary {@code management.endpoint(s).*} rules (for the web, it
 * must be listed in {@code management.endpoints.web.exposure.include}).
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
    ParallelizedEndpoint parallelizedEndpoint(RunRegistry registry) {
        return new ParallelizedEndpoint(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParallelizedEndpoint.class)
    ParallelizedWebEndpointExtension parallelizedWebEndpointExtension(ParallelizedEndpoint endpoint) {
        return new ParallelizedWebEndpointExtension(endpoint);
    }
}
