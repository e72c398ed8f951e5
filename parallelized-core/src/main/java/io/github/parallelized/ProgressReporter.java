package io.github.parallelized;

import java.time.Duration;

/**
 * Where a run's progress goes: the pluggable side of {@link Progress}. Built in: {@link #console()} (the
 * default), {@link #log()}, {@link #none()}; the Spring Boot starter adds Micrometer gauges. Implement it to
 * send progress anywhere else.
 *
 * <p>The run calls a reporter from several threads, and a reporter may serve several runs at once (one
 * instance per run is not required), so implementations must be thread-safe. Workers never wait for a
 * reporter except in {@link #onOutcome}: keep that one cheap. Every other callback comes from the run's
 * starting thread, its consumer, or one shared refresh thread. A reporter that throws is logged once per run
 * and then ignored; it never stops the run.
 */
public interface ProgressReporter {

    /**
     * The run has started; no task has run yet. A reporter keeps what it needs of {@code run} (its
     * {@link Parallelized#progress()} for live counts, {@link Parallelized#cancel()}, its id).
     *
     * @param run the run, live
     */
    default void onStart(Parallelized<?, ?> run) {
    }

    /**
     * Called about every {@link #refreshInterval()} from the shared refresh thread while the run goes on.
     *
     * @param snapshot the run's state now
     */
    default void onRefresh(ProgressSnapshot snapshot) {
    }

    /**
     * Called on the worker thread for each outcome, as soon as it exists (before the consumer sees it).
     * This is the hot path: record and return.
     *
     * @param run     the run's id
     * @param outcome the outcome
     */
    default void onOutcome(String run, Outcome<?, ?> outcome) {
    }

    /**
     * A line the user asked to show through {@link Progress#write(String)}.
     *
     * @param run  the run's id
     * @param line the line
     */
    default void onWrite(String run, String line) {
    }

    /**
     * The run is over and closing; called once, from the thread that closes it.
     *
     * @param snapshot the final state
     * @param summary  what the run did
     */
    default void onFinish(ProgressSnapshot snapshot, Summary summary) {
    }

    /**
     * How often {@link #onRefresh} is wanted.
     *
     * @return the interval; {@link Duration#ZERO} for never (the default)
     */
    default Duration refreshInterval() {
        return Duration.ZERO;
    }

    /**
     * A bar on standard error drawn by the progressbar library: desc, count/total, percentage, rate,
     * elapsed, ETA and postfix. On a terminal it redraws in place and keeps log lines from garbling it;
     * elsewhere (CI, IDE consoles, container logs) it prints one plain line every few seconds instead.
     * Prints the {@link Summary} at the end.
     *
     * @return the console reporter
     */
    static ProgressReporter console() {
        return ConsoleReporter.standardError();
    }

    /**
     * Log lines through SLF4J (logger {@code io.github.parallelized.progress}, level INFO) at every 10 percent,
     * or every 10 seconds when the total is unknown, and the {@link Summary} at the end.
     *
     * @return the log reporter
     */
    static ProgressReporter log() {
        return log(10);
    }

    /**
     * Log lines through SLF4J at every {@code percentStep} percent, or every 10 seconds when the total is
     * unknown, and the {@link Summary} at the end.
     *
     * @param percentStep the step, 1 to 100
     * @return the log reporter
     * @throws IllegalArgumentException if {@code percentStep} is outside 1..100
     */
    static ProgressReporter log(int percentStep) {
        return new LogReporter(percentStep);
    }

    /**
     * No display at all (lines passed to {@link Progress#write(String)} still go to standard error).
     *
     * @return the silent reporter
     */
    static ProgressReporter none() {
        return SilentReporter.INSTANCE;
    }
}
