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
 * starting thread, its consumer, a refresh thread, or (for {@link #onFinish}) a thread of a pool shared by all
 * runs. A reporter that throws is logged once per run and then ignored; it never stops the run. One that blocks
 * in {@link #onFinish} holds the run's end a bounded time, never for ever.
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
     * Called about every {@link #refreshInterval()} while the run goes on, on a daemon thread of a pool shared by
     * all runs (the built-in displays have a thread of their own). A refresh that comes while this reporter's
     * previous {@code onRefresh} still runs is skipped, so a reporter that blocks here holds one thread and stops
     * only its own refreshes, never another reporter's, of its run or of any other.
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
     * The run is over: called once, when the consumer's loop ends or at {@link Parallelized#close()}, whichever
     * comes first. The reporters of this library are called on that thread; any other reporter on a daemon thread
     * of a pool shared by all runs, one after another in the order they were added, while that thread waits for
     * them at most 10 seconds: so they have returned when {@code close()} (or the loop's last {@code hasNext()})
     * does, unless one takes longer. A reporter that has not returned by then is named in a warning (logger {@code
     * io.github.parallelized}), and the run's end goes on without it: it runs on, and the reporters after it are
     * called once it returns. Keep it short; hand long work (an upload, a report) to a thread of your own.
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
     * A tqdm-like bar per run on standard error: desc, percentage, bar, count/total, elapsed, ETA, rate and
     * postfix ({@code Rendering:  40%|████▏     | 400/1000 [00:04<00:06, 95.10it/s, status=processing]}). The
     * rate is smoothed as tqdm smooths it; the final line shows the average, and says {@code cancelled} or
     * {@code failed} (without an ETA) when the run stopped early. Without a known total: count, elapsed and
     * rate only. On a terminal the bars of concurrent runs each keep their own line, redrawn in place, Unicode
     * blocks on a UTF-8 terminal, and lines printed meanwhile go above them; elsewhere (CI, IDE consoles,
     * container logs) it prints one plain line every ten seconds instead. Prints the {@link Summary} at the end.
     * Lines passed to {@link Progress#write(String)} go to standard output (as tqdm's {@code write}).
     *
     * <p>System properties: {@code parallelized.console.ascii=true} draws an ASCII bar even on a UTF-8
     * terminal; {@code parallelized.console.write=stderr} sends {@code write} lines to standard error.
     *
     * @return the console reporter
     * @throws IllegalArgumentException if one of those properties has a value other than those named
     */
    static ProgressReporter console() {
        return ConsoleReporter.standardError();
    }

    /**
     * Log lines through the JDK's {@link System.Logger} (logger {@code io.github.parallelized.progress}, level
     * INFO) at every 10 percent, or every 10 seconds when the total is unknown, and the {@link Summary} at the
     * end. No logging library is needed: in a plain program the lines go to java.util.logging; Spring Boot
     * routes them into the application's logging; elsewhere {@code org.slf4j:slf4j-jdk-platform-logging} sends
     * them to SLF4J.
     *
     * @return the log reporter
     */
    static ProgressReporter log() {
        return log(10);
    }

    /**
     * Log lines through the JDK's {@link System.Logger} at every {@code percentStep} percent, or every 10
     * seconds when the total is unknown, and the {@link Summary} at the end.
     *
     * @param percentStep the step, 1 to 100
     * @return the log reporter
     * @throws IllegalArgumentException if {@code percentStep} is outside 1..100
     */
    static ProgressReporter log(int percentStep) {
        return new LogReporter(percentStep);
    }

    /**
     * No display at all (lines passed to {@link Progress#write(String)} still go to standard output).
     *
     * @return the silent reporter
     */
    static ProgressReporter none() {
        return SilentReporter.INSTANCE;
    }
}
