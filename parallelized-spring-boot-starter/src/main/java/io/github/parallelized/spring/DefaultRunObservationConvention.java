package io.github.parallelized.spring;

import io.github.parallelized.RunState;
import io.micrometer.common.KeyValues;

/**
 * The default {@link RunObservationConvention}: name {@code parallelized.run}; low-cardinality {@code batch} and
 * {@code state} (RUNNING until the run ends, then COMPLETED, CANCELLED or FAILED); high-cardinality
 * {@code run.id}. Thread-safe.
 */
public class DefaultRunObservationConvention implements RunObservationConvention {

    /** The observation's name, and so its timer's and span's. */
    public static final String NAME = "parallelized.run";

    /** Creates the convention. */
    public DefaultRunObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(RunObservationContext context) {
        return "parallelized " + context.getBatch();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RunObservationContext context) {
        RunState state = context.getState();
        return KeyValues.of("batch", context.getBatch(), "state", state == null ? "RUNNING" : state.name());
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RunObservationContext context) {
        return KeyValues.of("run.id", context.getRunId());
    }
}
