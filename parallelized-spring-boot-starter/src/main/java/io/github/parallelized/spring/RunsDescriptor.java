package io.github.parallelized.spring;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/** The answer of {@code GET /actuator/parallelized}: {@code {"runs": [...]}}, live runs first. Immutable. */
final class RunsDescriptor implements OperationResponseBody {

    private final List<RunDescriptor> runs;

    RunsDescriptor(List<RunDescriptor> runs) {
        this.runs = List.copyOf(runs);
    }

    /** The runs, live first. */
    public List<RunDescriptor> getRuns() {
        return runs;
    }
}
