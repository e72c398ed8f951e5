package io.github.parallelized.spring;

import java.time.Duration;
import java.util.Map;

/** The rules of the {@code parallelized.*} values, shared by the checks at binding and the failure analysis. */
final class Check {

    private static final String WHOLE_AT_LEAST_1 = "a whole number of at least 1";
    private static final String DURATION_NOT_NEGATIVE = "a duration of zero or more, such as 0s, 500ms, 30s or 1m";

    /** What each property allows, in words, for the message that stops a start-up. */
    static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("parallelized.num-threads", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.virtual-threads", "true or false"),
            Map.entry("parallelized.max-in-flight", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.thread-name-prefix", "a text that is not blank"),
            Map.entry("parallelized.progress", "one of metrics, log, console, none"),
            Map.entry("parallelized.task-timeout", "a duration of more than zero, such as 500ms, 30s or 2m"),
            Map.entry("parallelized.pool", "one of shared, per-run"),
            Map.entry("parallelized.retry.max-attempts", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.retry.backoff", DURATION_NOT_NEGATIVE),
            Map.entry("parallelized.metrics.retention", DURATION_NOT_NEGATIVE),
            Map.entry("parallelized.metrics.max-batches", WHOLE_AT_LEAST_1),
            Map.entry("parallelized.shutdown.await-termination", DURATION_NOT_NEGATIVE));

    private Check() {
    }

    static int atLeast(String property, int value, int min) {
        if (value < min) {
            throw new InvalidPropertyValueException(property, value);
        }
        return value;
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

    static String allowed(String property) {
        return ALLOWED.getOrDefault(property, "a valid value (see the starter's configuration metadata)");
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
