package io.github.parallelized.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a client asks for in {@code POST /api/runs}, as it arrives: every field may be missing or wrong.
 * {@link #validate(int)} checks it and fills in the defaults. Also the form of {@code sample.demo.runs}.
 *
 * @param kind        {@code cpu}, {@code io}, {@code flaky} or {@code api}; required
 * @param count       how many inputs, 1 to {@code sample.max-count}; required
 * @param desc        the run's name (its bar's label and metrics' {@code batch} tag); default after the kind
 * @param threads     how many tasks at once, 1 to 256; default from {@code parallelized.num-threads}
 *                    ({@code io}: 64)
 * @param iterations  {@code cpu} only: hash rounds per input, 1 to 100000; default 2000
 * @param latencyMs   {@code io} only: mean wait per call in milliseconds, 0 to 10000; default 100
 * @param failureRate {@code flaky} only: share of attempts that fail, 0 to 1; default 0.3
 * @param maxAttempts {@code flaky} only: attempts per input, 1 to 10; default 3
 */
public record RunRequest(String kind, Integer count, String desc, Integer threads, Integer iterations,
                         Integer latencyMs, Double failureRate, Integer maxAttempts) {

    static final int MAX_THREADS = 256;
    static final int MAX_DESC_LENGTH = 60;

    /**
     * A request with only the required fields.
     *
     * @param kind  the kind
     * @param count the count
     * @return the request
     */
    public static RunRequest of(String kind, int count) {
        return new RunRequest(kind, count, null, null, null, null, null, null);
    }

    /**
     * Checks every field and fills in the defaults.
     *
     * @param maxCount the largest count allowed
     * @return the run to start
     * @throws InvalidRunRequestException listing every problem found, when there is one
     */
    public RunSpec validate(int maxCount) {
        List<InvalidRunRequestException.FieldError> errors = new ArrayList<>();
        RunKind parsed = null;
        if (kind == null || kind.isBlank()) {
            errors.add(error("kind", "kind is required; one of " + RunKind.labels()));
        } else {
            parsed = RunKind.parse(kind).orElse(null);
            if (parsed == null) {
                errors.add(error("kind", "unknown kind '" + kind + "'; expected one of " + RunKind.labels()));
            }
        }
        if (count == null) {
            errors.add(error("count", "count is required (1 to " + maxCount + ")"));
        } else {
            range(errors, "count", count, 1, maxCount);
        }
        if (desc != null && (desc.isBlank() || desc.length() > MAX_DESC_LENGTH)) {
            errors.add(error("desc", "desc must have 1 to " + MAX_DESC_LENGTH + " characters, not blank"));
        } else if (desc != null && !printable(desc)) {
            errors.add(error("desc", "desc must be printable text: no line breaks, control characters or"
                    + " unpaired UTF-16 surrogates"));
        }
        if (threads != null) {
            range(errors, "threads", threads, 1, MAX_THREADS);
        }
        onlyFor(errors, parsed, RunKind.CPU, "iterations", iterations);
        onlyFor(errors, parsed, RunKind.IO, "latencyMs", latencyMs);
        onlyFor(errors, parsed, RunKind.FLAKY, "failureRate", failureRate);
        onlyFor(errors, parsed, RunKind.FLAKY, "maxAttempts", maxAttempts);
        if (iterations != null) {
            range(errors, "iterations", iterations, 1, 100_000);
        }
        if (latencyMs != null) {
            range(errors, "latencyMs", latencyMs, 0, 10_000);
        }
        if (failureRate != null && !(failureRate >= 0 && failureRate <= 1)) {
            errors.add(error("failureRate", "failureRate must be between 0 and 1, was " + failureRate));
        }
        if (maxAttempts != null) {
            range(errors, "maxAttempts", maxAttempts, 1, 10);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunRequestException(errors);
        }
        return new RunSpec(parsed, count, desc != null ? desc.strip() : parsed.label() + " " + defaultDesc(parsed),
                threads, Objects.requireNonNullElse(iterations, 2000), Objects.requireNonNullElse(latencyMs, 100),
                Objects.requireNonNullElse(failureRate, 0.3), Objects.requireNonNullElse(maxAttempts, 3));
    }

    /**
     * Whether a desc is safe in a log line and a metric tag: well-formed Unicode, no control or format characters,
     * no line or paragraph separator (U+2028, U+2029: line breaks to a log viewer, a terminal or JavaScript).
     */
    static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT && c != '\u200d'
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String defaultDesc(RunKind kind) {
        return switch (kind) {
            case CPU -> "hashing";
            case IO -> "remote calls";
            case FLAKY -> "calls, retried";
            case API -> "calls to a rate-limited API";
        };
    }

    private static void onlyFor(List<InvalidRunRequestException.FieldError> errors, RunKind parsed, RunKind kind,
                                String field, Object value) {
        if (value != null && parsed != null && parsed != kind) {
            errors.add(error(field, field + " applies only to " + kind.label() + " runs, not " + parsed.label()));
        }
    }

    private static void range(List<InvalidRunRequestException.FieldError> errors, String field, int value,
                              int min, int max) {
        if (value < min || value > max) {
            errors.add(error(field, field + " must be between " + min + " and " + max + ", was " + value));
        }
    }

    private static InvalidRunRequestException.FieldError error(String field, String message) {
        return new InvalidRunRequestException.FieldError(field, message);
    }
}
