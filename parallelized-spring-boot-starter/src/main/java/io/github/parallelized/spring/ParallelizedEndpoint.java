package io.github.parallelized.spring;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code parallelized} actuator endpoint: lists the factory's live and recently finished runs, shows one,
 * and cancels one (its consumer then receives the cancelled outcomes). A null answer is a 404 over HTTP.
 *
 * <p>Read-only unless the application says otherwise ({@code management.endpoint.parallelized.access:
 * unrestricted}), since cancelling is a write that nobody should reach without authorization; the README shows a
 * Spring Security rule for a writable one.
 */
@Endpoint(id = "parallelized", defaultAccess = Access.READ_ONLY)
class ParallelizedEndpoint {

    private final RunRegistry registry;

    ParallelizedEndpoint(RunRegistry registry) {
        this.registry = registry;
    }

    /** {@code GET /actuator/parallelized}: live runs in start order, then finished ones, the latest first. */
    @ReadOperation
    public RunsDescriptor runs() {
        return new RunsDescriptor(registry.snapshots().stream().map(RunDescriptor::new).toList());
    }

    /** {@code GET /actuator/parallelized/{id}}: one run, or null (404) for an unknown id. */
    @ReadOperation
    public RunDescriptor run(@Selector String id) {
        return registry.snapshot(id).map(RunDescriptor::new).orElse(null);
    }

    /** Cancels a live run (a finished one stays as it is) and answers it; null for an unknown id. */
    @DeleteOperation
    public RunDescriptor cancel(@Selector String id) {
        return registry.cancel(id).map(RunDescriptor::new).orElse(null);
    }
}
