package io.github.parallelized.sample;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The three kinds of run of the sample, after the Python guide's examples. */
public enum RunKind {
    /** CPU-bound: hashing, on the pool sized by {@code parallelized.num-threads}. */
    CPU,
    /** I/O-bound: waits like a call to a slow remote service; virtual threads where the JVM has them. */
    IO,
    /** Fails at a given rate; failed tasks are retried. */
    FLAKY;

    /**
     * The name used in requests and on the dashboard.
     *
     * @return the lower-case name
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Finds a kind by its label, ignoring case.
     *
     * @param label the label, may be null
     * @return the kind, or empty
     */
    public static Optional<RunKind> parse(String label) {
        return Arrays.stream(values()).filter(k -> k.label().equalsIgnoreCase(label)).findFirst();
    }

    /**
     * All labels, for error messages.
     *
     * @return for instance {@code "cpu, io, flaky"}
     */
    public static String labels() {
        return Arrays.stream(values()).map(RunKind::label).collect(Collectors.joining(", "));
    }
}
