package io.github.parallelized.spring;

import io.github.parallelized.RunState;
import io.micrometer.observation.Observation;

/**
 * What the {@code parallelized.run} observation knows about its run, for an {@link RunObservationConvention}.
 * Created on the thread that starts the run; the state is set when the run ends. Thread-safe for reading.
 */
public class RunObservationContext extends Observation.Context {

    private final String runId;
    private final String desc;
    private final String batch;
    private volatile RunState state;

    /**
     * Creates the context of one run.
     *
     * @param runId the run's id
     * @param desc  the run's description, as the caller set it
     * @param batch the run's batch tag: its description made safe for a tag, or {@code other} past
     *              {@code parallelized.metrics.max-batches}
     */
    public RunObservationContext(String runId, String desc, String batch) {
        this.runId = runId;
        this.desc = desc;
        this.batch = batch;
    }

    /**
     * The run's id, unique in this JVM.
     *
     * @return the id
     */
    public String getRunId() {
        return runId;
    }

    /**
     * The run's description as the caller set it (not safe for a tag or a log line as it is).
     *
     * @return the description
     */
    public String getDesc() {
        return desc;
    }

    /**
     * The run's batch tag, as the meters use it.
     *
     * @return the tag value
     */
    public String getBatch() {
        return batch;
    }

    /**
     * How the run ended.
     *
     * @return the final state, or null while the run goes on
     */
    public RunState getState() {
        return state;
    }

    void setState(RunState state) {
        this.state = state;
    }
}
