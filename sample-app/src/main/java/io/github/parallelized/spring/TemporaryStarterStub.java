package io.github.parallelized.spring;

import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** TEMPORARY stand-in for the starter's auto-configuration and endpoint. Deleted when the starter is merged. */
@AutoConfiguration
public class TemporaryStarterStub {

    private final TemporaryRunRegistry registry = new TemporaryRunRegistry();

    @Bean
    ParallelizedFactory parallelizedFactory() {
        return new ParallelizedFactory(registry);
    }

    @Bean
    Endpoint parallelizedEndpoint() {
        return new Endpoint(registry);
    }

    /** The actuator endpoint. */
    @org.springframework.boot.actuate.endpoint.annotation.Endpoint(id = "parallelized")
    public static final class Endpoint {
        private final TemporaryRunRegistry registry;

        Endpoint(TemporaryRunRegistry registry) {
            this.registry = registry;
        }

        @ReadOperation
        public Map<String, Object> runs() {
            return Map.of("runs", registry.all());
        }

        @ReadOperation
        public Map<String, Object> run(@Selector String id) {
            return registry.find(id).map(r -> TemporaryRunRegistry.describe(r.progress().snapshot())).orElse(null);
        }

        @DeleteOperation
        public Map<String, Object> cancel(@Selector String id) {
            return registry.find(id).map(r -> {
                r.cancel();
                return TemporaryRunRegistry.describe(r.progress().snapshot());
            }).orElse(null);
        }
    }
}
