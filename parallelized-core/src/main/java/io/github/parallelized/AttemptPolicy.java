package io.github.parallelized;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The one retry decision of every kind of task, blocking, virtual-thread and asynchronous alike: after a failed
 * attempt, whether the input ends (and with which error) or is tried again, and how long it waits first. Immutable;
 * called by whichever thread ended the attempt.
 */
final class AttemptPolicy {

    /** One attempt, no retry: a run without {@code retry(...)}. */
    static final RetryPolicy NO_RETRY = RetryPolicy.fixed(1, java.time.Duration.ZERO);

    private final RetryPolicy policy;

    AttemptPolicy(RetryPolicy policy) {
        this.policy = policy;
    }

    /**
     * After {@code attempts} attempts, the last failed with {@code error}: the error the input ends with, or null
     * to try again. A cancellation, a stopped run and the last attempt end it; a retryOn predicate that throws ends
     * it with a {@link ParallelizedException} saying so.
     */
    Throwable endsWith(int attempts, Throwable error, boolean running) {
        if (attempts >= policy.maxAttempts() || !running || error instanceof CancellationException) {
            return error;
        }
        try {
            return policy.retries(error) ? null : error;
        } catch (Throwable e) {
            return predicateFailed(error, e);
        }
    }

    /**
     * The wait before the next attempt, in nanoseconds: the policy's, or what a {@link RetryAfter} error asks for
     * (its {@code retryAfter()} throwing: the policy's own).
     */
    long delayNanos(int attempts, Throwable error) {
        try {
            return policy.delayNanos(attempts, error, ThreadLocalRandom.current().nextLong());
        } catch (Throwable e) {
            return policy.baseNanos(attempts);
        }
    }

    /** Whether any retry may wait (the blocking engine then parks its inputs off the workers meanwhile). */
    boolean mayWait() {
        return policy.maxAttempts() > 1;
    }

    /**
     * The error an input ends with: a failure seen once the run stopped ends it as cancelled, its cause kept (the
     * stop's interrupt may be what made it fail).
     */
    static Throwable endError(Throwable error, Lifecycle lifecycle) {
        // the run's state is read only for a failure: a success (the hot path) pays no volatile read here
        if (error == null || error instanceof CancellationException || lifecycle.isRunning()) {
            return error;
        }
        CancellationException cancelled = new CancellationException("cancelled while running");
        cancelled.initCause(error);
        return cancelled;
    }

    /** The {@link WorkerCounts} slot of an input that ended with this error (null: it succeeded). */
    static int countOf(Throwable error) {
        return error == null ? WorkerCounts.SUCCEEDED
                : error instanceof CancellationException ? WorkerCounts.CANCELLED : WorkerCounts.FAILED;
    }

    static ParallelizedException predicateFailed(Throwable taskError, Throwable predicateError) {
        ParallelizedException failed = new ParallelizedException("the retryOn predicate threw on "
                + Errors.describe(taskError, false) + ": " + Errors.describe(predicateError, false), predicateError);
        failed.addSuppressed(taskError);
        return failed;
    }

    /** Waits before a retry on the worker (a run that cannot park); false when interrupted (the run stopped). */
    static boolean sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
