package io.github.parallelized;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When a failed task runs again, and how long it waits before: a number of attempts, a delay (fixed, or doubling
 * up to a cap), an optional jitter, and which errors are retried.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10))
 *         .withJitter(0.2)
 *         .retryOn(error -> error instanceof IOException);
 * }</pre>
 *
 * <p>The delay before the n-th retry (after n failed attempts) is {@code delay} for {@link #fixed}, and
 * {@code first * 2^(n-1)}, at most {@code max}, for {@link #exponential}. With {@linkplain #withJitter jitter}
 * {@code f}, each delay is drawn uniformly from {@code delay * (1 - f)} to {@code delay * (1 + f)}, so that
 * clients that failed together do not come back together.
 *
 * <p>An error implementing {@link RetryAfter} (an HTTP 429 or 503 with {@code Retry-After}) sets the wait
 * itself: the next attempt waits {@code retryAfter()} instead of the policy's delay. Jitter only ever lengthens
 * such a wait (by up to the fraction), never shortens it; a {@code retryAfter()} of zero or less means no wait,
 * null means no hint (the policy's delay applies), and one longer than {@link #maxRetryAfter(Duration)} (default
 * one hour) waits that cap, so that a misread header cannot park an input for years. The number of attempts
 * bounds retries in every case.
 *
 * <p>By default every {@link Exception} is retried and no {@link Error}; a cancellation is never retried, whatever
 * the predicate says. A predicate that throws fails its input with a {@link ParallelizedException} carrying both
 * errors; so does a {@code retryAfter()} that throws.
 *
 * <p>Immutable and thread-safe: every method returns a new policy, and one policy may serve many runs at once.
 */
public final class RetryPolicy {

    /** The default cap of a {@link RetryAfter} wait. */
    static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final Predicate<Throwable> EXCEPTIONS = new Predicate<>() {
        @Override
        public boolean test(Throwable error) {
            return error instanceof Exception;
        }

        @Override
        public String toString() {
            return "every Exception";
        }
    };

    private final int maxAttempts;
    private final long firstNanos;
    /** The cap of the doubling delay; equal to {@link #firstNanos} for a fixed delay. */
    private final long maxNanos;
    private final boolean exponential;
    private final double jitter;
    private final Predicate<? super Throwable> retryOn;
    private final long maxRetryAfterNanos;

    private RetryPolicy(int maxAttempts, long firstNanos, long maxNanos, boolean exponential, double jitter,
                        Predicate<? super Throwable> retryOn, long maxRetryAfterNanos) {
        this.maxAttempts = maxAttempts;
        this.firstNanos = firstNanos;
        this.maxNanos = maxNanos;
        this.exponential = exponential;
        this.jitter = jitter;
        this.retryOn = retryOn;
        this.maxRetryAfterNanos = maxRetryAfterNanos;
    }

    /**
     * Runs a failing task up to {@code maxAttempts} times in all, waiting {@code delay} before each retry. A delay
     * of {@link Duration#ZERO} is allowed: the retry starts at once (what {@code retry(attempts, Duration.ZERO)}
     * on the builder always did).
     *
     * @param maxAttempts at least 1 (1: no retry)
     * @param delay       the wait before each retry, zero or more, at most {@code Long.MAX_VALUE} nanoseconds
     * @return the policy
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1, or {@code delay} is negative or too long
     * @throws NullPointerException     if {@code delay} is null
     */
    public static RetryPolicy fixed(int maxAttempts, Duration delay) {
        checkAttempts(maxAttempts);
        long nanos = nanos("delay", delay, false);
        return new RetryPolicy(maxAttempts, nanos, nanos, false, 0, EXCEPTIONS, DEFAULT_MAX_RETRY_AFTER.toNanos());
    }

    /**
     * Runs a failing task up to {@code maxAttempts} times in all, waiting {@code first} before the first retry and
     * twice as long before each next one, at most {@code max}.
     *
     * @param maxAttempts at least 1 (1: no retry)
     * @param first       the wait before the first retry, more than zero
     * @param max         the longest wait, at least {@code first}, at most {@code Long.MAX_VALUE} nanoseconds
     * @return the policy
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1, a duration is zero, negative or too long,
     *                                  or {@code first} is longer than {@code max}
     * @throws NullPointerException     if a duration is null
     */
    public static RetryPolicy exponential(int maxAttempts, Duration first, Duration max) {
        checkAttempts(maxAttempts);
        long firstNanos = nanos("first", first, true);
        long maxNanos = nanos("max", max, true);
        if (firstNanos > maxNanos) {
            throw new IllegalArgumentException("first must not be longer than max, was " + first + " > " + max);
        }
        return new RetryPolicy(maxAttempts, firstNanos, maxNanos, true, 0, EXCEPTIONS,
                DEFAULT_MAX_RETRY_AFTER.toNanos());
    }

    /**
     * Varies each delay at random within plus or minus {@code fraction} of it (a {@link RetryAfter} wait only
     * upwards). Replaces the jitter set before.
     *
     * @param fraction from 0 (none) to 1 (anything from no wait to twice the delay)
     * @return a policy with this jitter
     * @throws IllegalArgumentException if {@code fraction} is outside 0..1 or not a number
     */
    public RetryPolicy withJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
        }
        return new RetryPolicy(maxAttempts, firstNanos, maxNanos, exponential, fraction, retryOn, maxRetryAfterNanos);
    }

    /**
     * Retries only the errors {@code retryOn} accepts, replacing the default (every {@link Exception}). A
     * cancellation is never retried. A predicate that throws fails the input with a {@link ParallelizedException}
     * carrying both errors.
     *
     * @param retryOn which errors to retry, not null; called on the thread that decides the retry
     * @return a policy with this predicate
     * @throws NullPointerException if {@code retryOn} is null
     */
    public RetryPolicy retryOn(Predicate<? super Throwable> retryOn) {
        Objects.requireNonNull(retryOn, "retryOn");
        return new RetryPolicy(maxAttempts, firstNanos, maxNanos, exponential, jitter, retryOn, maxRetryAfterNanos);
    }

    /**
     * Caps the wait an error's {@link RetryAfter#retryAfter()} asks for (default one hour): a longer one waits
     * {@code max}. The policy's own delays are not affected.
     *
     * @param max the longest {@code Retry-After} wait, more than zero, at most {@code Long.MAX_VALUE} nanoseconds
     * @return a policy with this cap
     * @throws IllegalArgumentException if {@code max} is zero, negative or too long
     * @throws NullPointerException     if {@code max} is null
     */
    public RetryPolicy maxRetryAfter(Duration max) {
        long nanos = nanos("max", max, true);
        return new RetryPolicy(maxAttempts, firstNanos, maxNanos, exponential, jitter, retryOn, nanos);
    }

    /** Attempts in all, at least 1. */
    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Whether the policy retries this error (attempts aside): the predicate's answer. The engine answers no for a
     * cancellation before asking.
     *
     * @throws RuntimeException (or anything) what the predicate throws: the engine reports it as the input's error
     */
    boolean retries(Throwable error) {
        return retryOn.test(error);
    }

    /**
     * The wait before the next attempt, after {@code failedAttempts} failed ones, the last with {@code error}.
     *
     * @param failedAttempts at least 1
     * @param error          the last attempt's error: a {@link RetryAfter} one sets the wait
     * @param randomBits     64 random bits for the jitter (from {@link java.util.concurrent.ThreadLocalRandom}:
     *                       no shared lock), ignored without jitter
     * @return the wait in nanoseconds, zero or more
     * @throws RuntimeException (or anything) what {@code retryAfter()} throws
     */
    long delayNanos(int failedAttempts, Throwable error, long randomBits) {
        if (error instanceof RetryAfter hint) {
            Duration after = hint.retryAfter();
            if (after != null) {
                long wait = after.isNegative() || after.isZero() ? 0
                        : after.compareTo(Duration.ofNanos(maxRetryAfterNanos)) >= 0 ? maxRetryAfterNanos
                        : after.toNanos();
                // a server's earliest time: jitter may only postpone it
                return jitter == 0 || wait == 0 ? wait : spread(wait, unit(randomBits) * jitter);
            }
        }
        long base = baseNanos(failedAttempts);
        return jitter == 0 || base == 0 ? base : spread(base, (2 * unit(randomBits) - 1) * jitter);
    }

    /** The delay before a retry without jitter: fixed, or doubled per failed attempt up to the cap. */
    long baseNanos(int failedAttempts) {
        if (!exponential) {
            return firstNanos;
        }
        int doublings = Math.max(0, failedAttempts - 1);
        if (doublings >= 63 || firstNanos > (maxNanos >> doublings)) {
            return maxNanos;
        }
        return Math.min(maxNanos, firstNanos << doublings);
    }

    /** {@code nanos * (1 + factor)}, within 0..Long.MAX_VALUE. */
    private static long spread(long nanos, double factor) {
        double value = nanos * (1 + factor);
        return value >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, (long) value);
    }

    /** A uniform value in [0, 1) from 53 of the bits. */
    private static double unit(long randomBits) {
        return (randomBits >>> 11) * 0x1.0p-53;
    }

    private static void checkAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** The engine counts time in nanoseconds in a long: about 292 years. */
    private static long nanos(String name, Duration value, boolean positive) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || positive && value.isZero()) {
            throw new IllegalArgumentException(name + (positive ? " must be more than zero, was "
                    : " must not be negative, was ") + value);
        }
        if (value.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + Duration.ofNanos(Long.MAX_VALUE)
                    + " (Long.MAX_VALUE nanoseconds, about 292 years), was " + value);
        }
        return value.toNanos();
    }

    /**
     * Describes the policy, for logs.
     *
     * @return for instance {@code RetryPolicy[5 attempts, exponential 200.0 ms..10.0 s, jitter 0.2]}
     */
    @Override
    public String toString() {
        return "RetryPolicy[" + maxAttempts + " attempts, "
                + (exponential ? "exponential " + Durations.format(Duration.ofNanos(firstNanos)) + ".."
                        + Durations.format(Duration.ofNanos(maxNanos))
                        : "fixed " + Durations.format(Duration.ofNanos(firstNanos)))
                + (jitter == 0 ? "" : ", jitter " + jitter)
                + (retryOn == EXCEPTIONS ? "" : ", retryOn " + retryOn) + "]";
    }
}
