package io.github.parallelized;

import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a run did, once it is over: counts, failures grouped by exception type, and task-time percentiles.
 * Immutable and thread-safe. Console and log progress print {@link #toString()} when the run closes.
 *
 * @param description     the run's desc
 * @param state           how the run ended ({@link RunState#RUNNING} if asked before the end)
 * @param succeeded       tasks that returned normally
 * @param failed          tasks that threw after their last attempt
 * @param cancelled       inputs cancelled before or while running
 * @param failuresByType  failed tasks counted by the exception's class name, most frequent first
 * @param p50             the median task time (zero when no task ran)
 * @param p95             the 95th percentile of task time
 * @param max             the longest task time
 * @param elapsed         the run's wall time
 * @param resubmitted     inputs that the task function sent again elsewhere, counted through
 *                        {@link Parallelized#countResubmission()} (a cluster run's tasks whose member was lost); 0 for
 *                        a local run
 * @param skipped         inputs left out by a {@linkplain Parallelized.Builder#checkpoint checkpoint}, since a
 *                        success was recorded for their key before (or their key was in flight already): no outcome
 */
public record Summary(String description, RunState state, long succeeded, long failed, long cancelled,
                      Map<String, Long> failuresByType, Duration p50, Duration p95, Duration max, Duration elapsed,
                      long resubmitted, long skipped) {

    /**
     * Checks and copies the components.
     *
     * @param description see the record component of that name
     * @param state see the record component of that name
     * @param succeeded see the record component of that name
     * @param failed see the record component of that name
     * @param cancelled see the record component of that name
     * @param failuresByType see the record component of that name
     * @param p50 see the record component of that name
     * @param p95 see the record component of that name
     * @param max see the record component of that name
     * @param elapsed see the record component of that name
     * @param resubmitted see the record component of that name
     * @param skipped see the record component of that name
     * @throws NullPointerException if a reference component is null
     * @throws IllegalArgumentException if {@code resubmitted} or {@code skipped} is negative
     */
    public Summary {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        failuresByType = mostFrequentFirst(Objects.requireNonNull(failuresByType, "failuresByType"));
        Objects.requireNonNull(p50, "p50");
        Objects.requireNonNull(p95, "p95");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(elapsed, "elapsed");
        if (resubmitted < 0) {
            throw new IllegalArgumentException("resubmitted must be >= 0, was " + resubmitted);
        }
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must be >= 0, was " + skipped);
        }
    }

    /**
     * A summary without skipped inputs (no checkpoint), as before that component existed.
     *
     * @param description see the record component of that name
     * @param state see the record component of that name
     * @param succeeded see the record component of that name
     * @param failed see the record component of that name
     * @param cancelled see the record component of that name
     * @param failuresByType see the record component of that name
     * @param p50 see the record component of that name
     * @param p95 see the record component of that name
     * @param max see the record component of that name
     * @param elapsed see the record component of that name
     * @param resubmitted see the record component of that name
     * @throws NullPointerException if a reference component is null
     * @throws IllegalArgumentException if {@code resubmitted} is negative
     */
    public Summary(String description, RunState state, long succeeded, long failed, long cancelled,
                   Map<String, Long> failuresByType, Duration p50, Duration p95, Duration max, Duration elapsed,
                   long resubmitted) {
        this(description, state, succeeded, failed, cancelled, failuresByType, p50, p95, max, elapsed, resubmitted,
                0);
    }

    /**
     * A summary without resubmissions, as before that component existed.
     *
     * @param description see the record component of that name
     * @param state see the record component of that name
     * @param succeeded see the record component of that name
     * @param failed see the record component of that name
     * @param cancelled see the record component of that name
     * @param failuresByType see the record component of that name
     * @param p50 see the record component of that name
     * @param p95 see the record component of that name
     * @param max see the record component of that name
     * @param elapsed see the record component of that name
     * @throws NullPointerException if a reference component is null
     */
    public Summary(String description, RunState state, long succeeded, long failed, long cancelled,
                   Map<String, Long> failuresByType, Duration p50, Duration p95, Duration max, Duration elapsed) {
        this(description, state, succeeded, failed, cancelled, failuresByType, p50, p95, max, elapsed, 0, 0);
    }

    /**
     * All inputs that became outcomes.
     *
     * @return succeeded + failed + cancelled
     */
    public long total() {
        return succeeded + failed + cancelled;
    }

    /**
     * One line for people, for instance
     * {@code "Rendering: 98 succeeded, 2 failed (2 IOException), 0 cancelled in 1.2 s; task p50 10 ms, p95 30 ms, max 41 ms"};
     * {@code ", 16 resubmitted"} follows the cancelled count when some were, and {@code ", 8000 skipped"} when a
     * checkpoint left some out.
     */
    @Override
    public String toString() {
        String failures = failuresByType.isEmpty() ? "" : failuresByType.entrySet().stream()
                .map(e -> e.getValue() + " " + simpleName(e.getKey()))
                .collect(Collectors.joining(", ", " (", ")"));
        return description + ": " + succeeded + " succeeded, " + failed + " failed" + failures + ", "
                + cancelled + " cancelled" + (resubmitted > 0 ? ", " + resubmitted + " resubmitted" : "")
                + (skipped > 0 ? ", " + skipped + " skipped" : "")
                + " in " + Durations.format(elapsed) + "; task p50 " + Durations.format(p50)
                + ", p95 " + Durations.format(p95) + ", max " + Durations.format(max)
                + (state == RunState.COMPLETED || state == RunState.RUNNING ? "" : " [" + state + "]");
    }

    private static Map<String, Long> mostFrequentFirst(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(sorted);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
