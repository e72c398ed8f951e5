package io.github.parallelized.spring;

import io.micrometer.observation.Observation;

/**
 * What a {@code parallelized.task} observation (one attempt of a task, when
 * {@code parallelized.observation.tasks} is on) knows, for a {@link TaskObservationConvention}. Its error, if
 * any, is the observation's {@link #getError()}. Used by one attempt, on the thread that runs it.
 */
public class TaskObservationContext extends Observation.Context {

    private final RunObservationContext run;

    /**
     * Creates the context of one attempt.
     *
     * @param run the context of the attempt's run
     */
    public TaskObservationContext(RunObservationContext run) {
        this.run = run;
    }

    /**
     * The context of the run this attempt belongs to.
     *
     * @return the run's context
     */
    public RunObservationContext getRun() {
        return run;
    }
}
