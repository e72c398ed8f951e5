package io.github.parallelized;

/**
 * When failures stop a run: {@link Parallelized.Builder#stopAfterFailures(int)} and {@link
 * Parallelized.Builder#stopAboveFailureRate(double, int)}, checked by the builder.
 *
 * @param maxFailures     the failed inputs that stop the run
 * @param maxRate         the failure rate that stops the run, or NaN for none
 * @param minTasksForRate the inputs ended before the rate counts
 */
record FailureLimit(int maxFailures, double maxRate, int minTasksForRate) {

    /** No limit: failures never stop the run. */
    static final FailureLimit NONE = new FailureLimit(Integer.MAX_VALUE, Double.NaN, 1);

    FailureLimit withMaxFailures(int n) {
        return new FailureLimit(n, maxRate, minTasksForRate);
    }

    FailureLimit withMaxRate(double rate, int minTasks) {
        return new FailureLimit(maxFailures, rate, minTasks);
    }
}
