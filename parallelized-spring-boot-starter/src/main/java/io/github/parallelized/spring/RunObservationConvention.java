package io.github.parallelized.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code parallelized.run} observation and its key values. Define a bean of this type to replace
 * {@link DefaultRunObservationConvention} (extend it to add to its key values), as with Spring's own observations.
 */
public interface RunObservationConvention extends ObservationConvention<RunObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RunObservationContext;
    }
}
