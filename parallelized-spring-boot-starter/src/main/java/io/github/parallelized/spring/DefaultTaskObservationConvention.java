package io.github.parallelized.spring;

import io.micrometer.common.KeyValues;

/**
 * The default {@link TaskObservationConvention}: name {@code parallelized.task}; low-cardinality {@code batch}
 * and {@code outcome} (success or failure); high-cardinality {@code run.id}. Thread-safe.
 */
public class DefaultTaskObservationConvention implements TaskObservationConvention {

    /** The observation's name, and so its timer's and span's. */
    public static final String NAME = "parallelized.task";

    /** Creates the convention. */
    public DefaultTaskObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(TaskObservationContext context) {
        return "parallelized task " + context.getRun().getBatch();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(TaskObservationContext context) {
        return KeyValues.of("batch", context.getRun().getBatch(), "outcome",
                context.getError() == null ? "success" : "failure");
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(TaskObservationContext context) {
        return KeyValues.of("run.id", context.getRun().getRunId());
    }
}
