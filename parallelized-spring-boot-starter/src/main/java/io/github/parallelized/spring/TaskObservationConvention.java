package io.github.parallelized.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code parallelized.task} observation (one per attempt, when {@code parallelized.observation.tasks}
 * is on). Define a bean of this type to replace {@link DefaultTaskObservationConvention}.
 */
public interface TaskObservationConvention extends ObservationConvention<TaskObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof TaskObservationContext;
    }
}
