package io.github.parallelized;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * The configuration of one run: immutable, built by {@link RunOptions#toConfig()} when the run starts, with
 * every default resolved, so that the builder can change afterwards without touching the run.
 *
 * @param threads          how many worker loops run at once
 * @param virtualThreads   whether the run's own threads are virtual
 * @param executor         the supplied executor, or null for threads of the run's own
 * @param window           the admission window: inputs taken from the source and not yet consumed
 * @param reporting        its name at the start, the total given, and its reporters
 * @param ordered          submission order instead of completion order
 * @param retry            attempts per input, the wait before a retry, which errors are retried
 * @param timeout          the limit of one attempt, or null
 * @param failureLimit     when failures stop the run
 * @param threadNamePrefix the prefix of the run's thread names
 * @param decorator        wraps each worker loop, on the thread that starts the run
 * @param asyncInFlight    for an {@link AsyncTaskFunction}: the most tasks in flight (the loops only start them);
 *                         0 for a blocking {@link TaskFunction}
 * @param limits           the run's limits ({@code limit}, {@code limitPerKey}), or null
 * @param startNanos       when {@code start()} was called ({@link System#nanoTime()}): the run's clock, which its
 *                         progress and the bar's elapsed time count from, begins then, not once the run is built
 */
record RunConfig(int threads, boolean virtualThreads, ExecutorService executor, int window, Reporting reporting,
                 boolean ordered, RetryPolicy retry, Duration timeout, FailureLimit failureLimit,
                 String threadNamePrefix, UnaryOperator<Runnable> decorator, int asyncInFlight,
                 RunLimits<?> limits, long startNanos) {

    /**
     * How the run reports: its name at the start, the number of inputs given by the user (or -1), the display
     * reporter and the other reporters.
     *
     * @param desc      the run's name at the start
     * @param total     the number of inputs given by the user, or -1
     * @param display   the display reporter
     * @param listeners the other reporters
     */
    record Reporting(String desc, long total, ProgressReporter display, List<ProgressReporter> listeners) {
    }

    boolean async() {
        return asyncInFlight > 0;
    }

    /**
     * The worker loops of the run: {@link #threads}, plus on a supplied executor one for the consumer, which runs its
     * run's tasks itself when it helps a nested run on the same pool. The one place this rule is written.
     */
    int loops() {
        return threads + (executor != null ? 1 : 0);
    }

    /**
     * The most tasks that can run at once: the tasks in flight of an asynchronous function, else the worker loops
     * (plus the consumer's, which helps a nested run on a supplied executor).
     */
    long maxRunning() {
        return async() ? asyncInFlight : loops();
    }
}
