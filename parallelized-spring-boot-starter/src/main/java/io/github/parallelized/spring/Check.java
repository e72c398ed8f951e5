package io.github.parallelized.spring;

import java.time.Duration;
import java.util.Map;

import io.github.parallelized.Parallelized;

/** The rules of the {@code parallelized.*} values, shared by the checks at binding and the failure analysis. */
final class Check {

    /** The most threads a run or the shared pool may have: the core's own limit, which its builder enforces. */
    static final int MAX_THREADS = Parallelized.MAX_THREADS;
    static final int MAX_BATCHES = 100_000;
    /**
     * The most buckets of the task-duration histogram: the starter's meters then cost at most 60 series per batch tag
     * in Prometheus (6 gauges, and per outcome count, sum, max, +Inf and the buckets: 6 + 2 * (4 + 23) = 60; the
     * observations' timers add theirs).
     */
    static final int MAX_BUCKETS = 23;
    /**
     * The longest duration accepted: far below the JVM's limit of about 292 years in nanoseconds, so that a
     * deadline (now plus the duration) cannot overflow.
     */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    private static final String WHOLE_AT_LEAST_1 = "a whole number of at least 1";
    private static final String MAX = " and at most ";
    private static final String DURATION_NOT_NEGATIVE = "a duration of zero or more, such as 0s, 500ms, 30s or 1m"
            + MAX + "36500d";

    /** What each property allows, in words, for the message that stops a start-up. */
    static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("parallelized.num-threads", WHOLE_AT_LEAST_1 + MAX + MAX_THREADS),
            Map.entry("parallelized.virtual-threads", "true or false"),
            Map.entry("parallelized.max-in-flight", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.thread-name-prefix", "a text that is not blank"),
            Map.entry("parallelized.progress", "one of metrics, log, console, none"),
            Map.entry("parallelized.task-timeout", "a duration of more than zero, such as 500ms, 30s or 2m" + MAX + "36500d"),
            Map.entry("parallelized.pool", "one of shared, per-run"),
            Map.entry("parallelized.retry.max-attempts", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.retry.backoff", DURATION_NOT_NEGATIVE),
            Map.entry("parallelized.metrics.retention", DURATION_NOT_NEGATIVE),
            Map.entry("parallelized.metrics.max-batches", WHOLE_AT_LEAST_1 + MAX + MAX_BATCHES),
            Map.entry("parallelized.metrics.percentiles-histogram", "true or false"),
            Map.entry("parallelized.metrics.histogram-buckets", "1 to " + MAX_BUCKETS + " durations of more than zero,"
                    + " such as 10ms, 100ms, 1s, 10s" + MAX + "36500d (at most 60 series per batch tag)"),
            Map.entry("parallelized.shutdown.await-termination", DURATION_NOT_NEGATIVE),
            Map.entry("parallelized.propagate-context", "true or false"),
            Map.entry("parallelized.observation.tasks", "true or false"),
            Map.entry("parallelized.cluster.enabled", "true or false"),
            Map.entry("parallelized.limits", "named limits, each with .concurrency (a whole number of at least 1),"
                    + " .rate (a whole number from 1 to 1000000) and .per (a duration of more than zero, default 1s)"),
            Map.entry("parallelized.checkpoint.enabled", "true or false"),
            Map.entry("parallelized.checkpoint.initialize-schema", "one of always, never"));

    private Check() {
    }

    static int atLeast(String property, int value, int min) {
        if (value < min) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
    }

    static int between(String property, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
    }

    static java.util.List<Duration> buckets(String property, java.util.List<Duration> value) {
        if (value.isEmpty() || value.size() > MAX_BUCKETS) {
            throw new InvalidPropertyValueException(property, value);
        }
        for (Duration bound : value) {
            if (bound == null || bound.isZero() || bound.isNegative() || bound.compareTo(MAX_DURATION) > 0) {
                throw new InvalidPropertyValueException(property, value);
            }
        }
        return value.stream().sorted().distinct().toList();
    }

    static Duration notTooLong(String property, Duration value) {
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
    }

    /** The known key nearest to an unknown one (fewest edits), for the message that refuses it. */
    static String nearest(String unknown, java.util.Collection<String> knownKeys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : knownKeys.stream().sorted().toList()) {
            // a key cut short ("shutdown.await") is nearest to the one it begins
            int distance = known.startsWith(unknown) ? 0 : distance(unknown, known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static String notBlank(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidPropertyValueException(property, value == null ? "" : value);
        }
        return value;
    }

    static Duration positive(String property, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
    }

    static Duration notNegative(String property, Duration value) {
        if (value.isNegative()) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
    }

    /** What a named limit's {@code .concurrency} allows (see {@link LimitProperties}). */
    static final String LIMIT_CONCURRENCY = WHOLE_AT_LEAST_1;
    /** What a named limit's {@code .rate} allows. */
    static final String LIMIT_RATE = "a whole number of at least 1 and at most 1000000 (for more, use a shorter per)";
    /** What a named limit's {@code .per} allows. */
    static final String LIMIT_PER = "a duration of more than zero, such as 1s, 100ms or 1m, and at most 36500d";

    static String allowed(String property) {
        String allowed = ALLOWED.get(property);
        if (allowed != null) {
            return allowed;
        }
        // a named limit's keys (parallelized.limits.<name>.*): a value that does not even convert (2147483648, a
        // duration finer than a nanosecond) is told what is allowed, as one out of range is
        if (property.startsWith(LimitProperties.PREFIX + ".")) {
            if (property.endsWith(".concurrency")) {
                return LIMIT_CONCURRENCY;
            }
            if (property.endsWith(".rate")) {
                return LIMIT_RATE;
            }
            if (property.endsWith(".per")) {
                return LIMIT_PER;
            }
        }
        return "a valid value (see the starter's configuration metadata)";
    }

    static String message(String property, Object value, String allowed) {
        return "Invalid value '" + value + "' for property '" + property + "': allowed is " + allowed + ".";
    }

    /** A {@code parallelized.*} value out of its range; the message names the property, the value and the rule. */
    static final class InvalidPropertyValueException extends IllegalArgumentException {

        private final String property;
        private final String allowed;

        InvalidPropertyValueException(String property, Object value) {
            this(property, value, Check.allowed(property));
        }

        InvalidPropertyValueException(String property, Object value, String allowed) {
            super(message(property, value, allowed));
            this.property = property;
            this.allowed = allowed;
        }

        String property() {
            return property;
        }

        String allowed() {
            return allowed;
        }
    }
}
