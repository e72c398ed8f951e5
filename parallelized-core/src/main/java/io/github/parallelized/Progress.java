package io.github.parallelized;

import java.util.Map;

/**
 * The live progress of one run, as {@link Parallelized#progress()} (alias {@link Parallelized#pbar()})
 * hands it out: the Java form of the Python original's {@code par.pbar}. What it shows depends on the
 * run's {@link ProgressReporter}: a console bar, log lines, Micrometer gauges, or nothing; this object works
 * the same with any of them. Thread-safe: any thread may call any method at any time, also after the run ended.
 */
public interface Progress {

    /**
     * Renames the run (the bar's label, the metrics' {@code batch} tag is fixed at the start).
     *
     * @param description the new name, not null
     */
    void setDescription(String description);

    /**
     * Replaces the key-value pairs shown after the bar, as tqdm's {@code set_postfix} does.
     * The map is copied; its iteration order is kept.
     *
     * @param postfix the pairs to show; null or empty clears them
     */
    void setPostfix(Map<String, ?> postfix);

    /**
     * Prints one line above the bar without breaking it (tqdm's {@code write}): to standard output with the
     * console bar (above every live bar) or with no display; with log progress it is logged.
     *
     * @param line the text, not null
     */
    void write(String line);

    /**
     * The number of inputs.
     *
     * @return the total, or -1 while it is unknown
     */
    long total();

    /**
     * The inputs that became outcomes so far: successes, failures and cancellations.
     *
     * @return the count
     */
    long completed();

    /**
     * The tasks that failed so far (after their last attempt).
     *
     * @return the count
     */
    long failed();

    /**
     * Everything at once, for displays and monitoring.
     *
     * @return a fresh snapshot
     */
    ProgressSnapshot snapshot();
}
