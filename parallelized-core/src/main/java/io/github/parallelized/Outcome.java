package io.github.parallelized;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * What became of one input: its result, or the error that its task threw. The Java form of the Python
 * original's {@code (kwargs, result, error)} tuple. Immutable and thread-safe.
 *
 * @param input    the very object the task source yielded (not a copy)
 * @param result   the task's return value, null when it failed (or returned null)
 * @param error    null on success; otherwise what the last attempt threw, unchanged, or a
 *                 {@link CancellationException} when the task was cancelled before or while running
 * @param attempts how many times the task ran: 0 when it was cancelled before starting, more than 1 after
 *                 {@linkplain Parallelized.Builder#retry(int, Duration) retries} or when the task function sent its
 *                 input again elsewhere ({@link Parallelized#countResubmission()})
 * @param duration the time the task spent running, over all its attempts (zero if it never started)
 * @param <I>      the input type
 * @param <R>      the result type
 */
public record Outcome<I, R>(I input, R result, Throwable error, int attempts, Duration duration) {

    /**
     * Checks the components.
     *
     * @param input see the record component of that name
     * @param result see the record component of that name
     * @param error see the record component of that name
     * @param attempts see the record component of that name
     * @param duration see the record component of that name
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code attempts} is negative
     */
    public Outcome {
        Objects.requireNonNull(duration, "duration");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
        }
    }

    /**
     * Tells whether the task returned normally.
     *
     * @return true when {@link #error()} is null
     */
    public boolean isSuccess() {
        return error == null;
    }

    /**
     * Tells whether the task was cancelled (before it started, or while it ran) rather than failing by itself.
     *
     * @return true when {@link #error()} is a {@link CancellationException}
     */
    public boolean isCancelled() {
        return error instanceof CancellationException;
    }
}
