package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;

/**
 * How an asynchronous input's attempts end, on whatever thread ends them (its stage's, its timeout's, the one that
 * stops the run): a retry, queued for a loop to start after its delay, or the input's outcome, by the one {@link
 * AttemptPolicy} that blocking tasks use too. Every attempt not ended is registered here ({@link #pending}): a stop
 * ends them all (Dekker with the loops: an attempt is registered before its loop reads the run's state, the stopper
 * changes the state before it reads the registry).
 */
final class AsyncEnds<I, R> {

    private final AttemptPolicy policy;
    private final Lifecycle lifecycle;
    private final Counters counters;
    private final Delivery<I, R> delivery;
    private final Room room;
    private final Places<I, R> places;
    private final AsyncAttempts<I, R> pending = new AsyncAttempts<>();
    private final ConcurrentLinkedQueue<AsyncAttempt<I, R>> retries = new ConcurrentLinkedQueue<>();
    /** The attempts parked for their permits, or null: a stop drains them (they end through the registry). */
    private final Throttled<AsyncAttempt<I, R>> throttled;

    AsyncEnds(AttemptPolicy policy, Lifecycle lifecycle, Counters counters, Delivery<I, R> delivery, Room room,
              Places<I, R> places, Throttled<AsyncAttempt<I, R>> throttled) {
        this.policy = policy;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.delivery = delivery;
        this.room = room;
        this.places = places;
        this.throttled = throttled;
    }

    /** The attempt is not ended until it is removed again: a stop ends it. */
    void register(AsyncAttempt<I, R> attempt) {
        pending.add(attempt);
    }

    /** A retry that fell due, for a loop to start; null when none. */
    AsyncAttempt<I, R> nextRetry() {
        return retries.poll();
    }

    boolean retryDue() {
        return !retries.isEmpty();
    }

    /**
     * Attempt {@code number} ended (its stage, apply, or its timeout: then its stage is cancelled): a retry, or the
     * input's outcome.
     */
    void ended(AsyncAttempt<I, R> attempt, int number, Object value, Throwable failure, boolean timedOut) {
        if (!attempt.move(number, AsyncAttempt.ENDING)) {
            return; // a late end: its timeout or a stop came first
        }
        Throwable error = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        attempt.stopWork(timedOut);
        releasePermits(attempt);
        if (error == null) {
            finish(attempt, number, value, null);
            return;
        }
        Throwable end = policy.endsWith(number, error, lifecycle.isRunning());
        if (end != null) {
            finish(attempt, number, null, end);
            return;
        }
        attempt.lastError = error;
        attempt.move(AsyncAttempt.ENDING, AsyncAttempt.WAITING);
        if (!lifecycle.isRunning()) {
            // a stop that came meanwhile may have passed this attempt while it was ENDING: end it here (Dekker: the
            // stop changes the state first, then reads the attempts)
            if (attempt.move(AsyncAttempt.WAITING, AsyncAttempt.ENDING)) {
                finish(attempt, number, null, stoppedBetweenAttempts(attempt));
            }
            return;
        }
        long delay = policy.delayNanos(number, error);
        if (delay == 0) {
            queueRetry(attempt);
        } else {
            ScheduledFuture<?> backoff = Timer.timeout(() -> queueRetry(attempt), Duration.ofNanos(delay));
            attempt.timer = backoff;
            if (attempt.state != AsyncAttempt.WAITING) {
                backoff.cancel(false); // a stop ended it before it saw this timer, which would wait out the backoff
            }
        }
    }

    /** A retry is due: a loop waiting here or for room in the window starts it. No user work (the timer runs it). */
    private void queueRetry(AsyncAttempt<I, R> attempt) {
        retries.add(attempt);
        places.wakeOne();
        room.nudge();
    }

    /** The run stopped: every attempt not ended comes out now, cancelled, and its stage is cancelled. */
    void cancelAll() {
        if (throttled != null) {
            throttled.drain(); // each ends below, through the registry of the attempts not ended
        }
        List<CompletionStage<?>> stages = new ArrayList<>();
        for (AsyncAttempt<I, R> attempt : pending.snapshot()) {
            int state = attempt.state;
            while (state != AsyncAttempt.ENDING && state != AsyncAttempt.ENDED) {
                if (attempt.move(state, AsyncAttempt.ENDING)) {
                    attempt.stopWork(false);
                    CompletionStage<?> stage = attempt.stage;
                    if (stage != null) {
                        stages.add(stage);
                    }
                    // in flight, the state is the attempt's number (its loop may not have written the field yet)
                    int attempts = state > 0 ? state : attempt.attempts;
                    if (attempts == 0) {
                        end(attempt, counters.cancelledBeforeStart(attempt.input));
                    } else {
                        finish(attempt, attempts, null, state == AsyncAttempt.WAITING ? stoppedBetweenAttempts(attempt)
                                : new CancellationException("cancelled while running"));
                    }
                    break;
                }
                state = attempt.state;
            }
        }
        if (!stages.isEmpty()) {
            Stages.offload(() -> stages.forEach(Stages::cancelNow)); // one hand-over for them all
        }
        places.wakeOne();
    }

    /** A retry that a stop found waiting: cancelled, its last error as the cause. */
    void stoppedBeforeRetry(AsyncAttempt<I, R> attempt) {
        finish(attempt, attempt.attempts, null, stoppedBetweenAttempts(attempt));
    }

    private static CancellationException stoppedBetweenAttempts(AsyncAttempt<?, ?> attempt) {
        CancellationException cancelled = new CancellationException("cancelled while running");
        if (attempt.lastError != null) {
            cancelled.initCause(attempt.lastError);
        }
        return cancelled;
    }

    /** The input's outcome after {@code attempts}, by the thread that moved its attempt to ENDING. */
    private void finish(AsyncAttempt<I, R> attempt, int attempts, Object value, Throwable failure) {
        long nanos = System.nanoTime() - attempt.begin;
        TaskTimes stripe = counters.stripeOfThisThread();
        synchronized (stripe) {
            stripe.record(nanos);
        }
        Throwable error = AttemptPolicy.endError(failure, lifecycle);
        int resubmitted = attempt.resubmitted;
        attempt.state = AsyncAttempt.ENDED;
        if (resubmitted != 0) {
            counters.count(WorkerCounts.RESUBMITTED, resubmitted);
        }
        counters.count(AttemptPolicy.countOf(error), 1);
        @SuppressWarnings("unchecked")
        R result = error == null ? (R) value : null;
        end(attempt, new Outcome<>(attempt.input, result, error, attempts + resubmitted,
                Duration.ofNanos(nanos)));
    }

    /**
     * Whatever threw while {@code input} was started ({@code attempt} null: before it was made) fails it, and frees
     * its place: an attempt already launched ends as a failed attempt (retried or not, as any), one not launched yet
     * fails outside its task, one that ended meanwhile is left as it is.
     */
    void failedToStart(AsyncAttempt<I, R> attempt, I input, long seq, Throwable error, boolean placed) {
        if (attempt == null) {
            counters.failedOutsideTask();
            try {
                delivery.deliver(null, seq, new Outcome<>(input, null, error, 0, Duration.ZERO));
            } finally {
                if (placed) {
                    places.release();
                }
            }
            return;
        }
        int state = attempt.state;
        if (state > 0) {
            ended(attempt, state, null, error, false);
        } else if (state == AsyncAttempt.WAITING && attempt.move(AsyncAttempt.WAITING, AsyncAttempt.ENDING)) {
            counters.failedOutsideTask();
            end(attempt, new Outcome<>(input, null, error, attempt.attempts, Duration.ZERO));
        }
    }

    /** Hands the outcome over, then frees the input's place: the consumer sees it before a loop may leave. */
    void end(AsyncAttempt<I, R> attempt, Outcome<I, R> outcome) {
        attempt.state = AsyncAttempt.ENDED;
        pending.remove(attempt);
        if (attempt.slot != null) {
            synchronized (attempt) {
                attempt.slot.close();
            }
        }
        endUnregistered(attempt, outcome);
    }

    /** The attempt gives back the permits of the attempt that ended, if it held them. */
    private static void releasePermits(AsyncAttempt<?, ?> attempt) {
        if (attempt.slot != null) {
            synchronized (attempt) {
                attempt.slot.release();
            }
        }
    }

    /** Hands the outcome over, then frees the input's place (for an attempt that is in no registry). */
    void endUnregistered(AsyncAttempt<I, R> attempt, Outcome<I, R> outcome) {
        try {
            delivery.deliver(null, attempt.seq, outcome);
        } finally {
            boolean hadNoPlace;
            synchronized (attempt) {
                hadNoPlace = attempt.placeless;
                attempt.placeless = false;
            }
            if (hadNoPlace) {
                places.endedWithoutPlace();
            } else {
                places.release();
            }
        }
    }
}
