package io.github.parallelized.sample;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of run of the sample, after the Python guide's examples, and calls to a rate-limited API. */
public enum RunKind {
    /** CPU-bound: hashing, on the pool sized by {@code parallelized.num-threads}. */
    CPU,
    /** I/O-bound: waits like a call to a slow remote service; virtual threads where the JVM has them. */
    IO,
    /** Fails at a given rate; failed tasks are retried. */
    FLAKY,
    /**
     * Calls a simulated API that answers 429 with {@code Retry-After} above its rate ({@code sample.api-rate}); the
     * run obeys the named limit {@code parallelized.limits.api}, shared by every api run, and retries a 429 when
     * the API says.
     */
    API;

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
     * @return for instance {@code "cpu, io, flaky, api"}
     */
    public static String labels() {
        return Arrays.stream(values()).map(RunKind::label).collect(Collectors.joining(", "));
    }
}
