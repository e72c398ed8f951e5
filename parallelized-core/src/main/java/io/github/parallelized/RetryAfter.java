package io.github.parallelized;

import java.time.Duration;

/**
 * Implemented by an exception that knows when the failed call may be tried again: an HTTP 429 (Too Many
 * Requests) or 503 (Service Unavailable) carrying a {@code Retry-After} header, a quota error with a reset time.
 * When an attempt fails with such an exception and its {@link RetryPolicy} retries it, the next attempt waits
 * {@link #retryAfter()} instead of the policy's own delay (see {@link RetryPolicy} for jitter and the cap).
 *
 * <pre>{@code
 * final class TooManyRequests extends IOException implements RetryAfter {
 *     private final Duration retryAfter;
 *
 *     TooManyRequests(HttpResponse<?> response) {
 *         super("HTTP 429 from " + response.uri());
 *         // Retry-After in seconds; an HTTP-date or a missing header: no hint (the policy's delay applies)
 *         this.retryAfter = response.headers().firstValue("Retry-After")
 *                 .filter(s -> s.matches("\\d{1,9}"))
 *                 .map(s -> Duration.ofSeconds(Long.parseLong(s)))
 *                 .orElse(null);
 *     }
 *
 *     @Override
 *     public Duration retryAfter() {
 *         return retryAfter;
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safety: {@link #retryAfter()} is called once per failed attempt, on the thread that decides the retry;
 * an immutable exception, as above, is safe.
 */
public interface RetryAfter {

    /**
     * How long to wait at least before the next attempt.
     *
     * @return the wait; zero or negative: none (the next attempt may start at once); null: no hint, the policy's
     *         own delay applies
     */
    Duration retryAfter();
}
