package io.github.parallelized.spring;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code parallelized} actuator endpoint: lists the factory's live and recently finished runs, shows one,
 * and cancels one (its consumer then receives the cancelled outcomes). A null answer is a 404 over HTTP.
 */
@Endpoint(id = "parallelized")
class ParallelizedEndpoint {

    private final RunRegistry registry;

    ParallelizedEndpoint(RunRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public RunsDescriptor runs() {
        return new RunsDescriptor(registry.snapshots().stream().map(RunDescriptor::new).toList());
    }

    @ReadOperation
    public RunDescriptor run(@Selector String id) {
        return registry.snapshot(id).map(RunDescriptor::new).orElse(null);
    }

    @DeleteOperation
    public RunDescriptor cancel(@Selector String id) {
        return registry.cancel(id).map(RunDescriptor::new).orElse(null);
    }
}
