package io.github.parallelized.spring;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The answer of {@code GET /actuator/parallelized}: {@code {"runs": [...], "checkpoints": [...]}}, live runs first,
 * then the checkpointed runs of the application's checkpoint store (none without one). Immutable.
 */
final class RunsDescriptor implements OperationResponseBody {

    private final List<RunDescriptor> runs;
    private final List<CheckpointDescriptor> checkpoints;

    RunsDescriptor(List<RunDescriptor> runs) {
        this(runs, List.of());
    }

    RunsDescriptor(List<RunDescriptor> runs, List<CheckpointDescriptor> checkpoints) {
        this.runs = List.copyOf(runs);
        this.checkpoints = List.copyOf(checkpoints);
    }

    /** The checkpointed runs of the store, by name. */
    public List<CheckpointDescriptor> getCheckpoints() {
        return checkpoints;
    }

    /** The runs, live first. */
    public List<RunDescriptor> getRuns() {
        return runs;
    }
}
