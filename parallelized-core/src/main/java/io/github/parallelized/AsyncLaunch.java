package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

/**
 * Starts the attempts of an asynchronous run's inputs (see {@link AsyncTasks}): takes the input's permits or parks
 * it without its place until they come ({@link Throttled}), calls the function, arms the attempt's timeout and
 * hands the stage's completion to {@link AsyncEnds}. Runs on a worker loop (or the consumer helping a nested run).
 */
final class AsyncLaunch<I, R> {

    private final AsyncTaskFunction<? super I, ? extends R> function;
    private final Duration timeout;
    private final Lifecycle lifecycle;
    private final Counters counters;
    private final Places<I, R> places;
    /** The attempts waiting for permits, or null without limits. */
    private final Throttled<AsyncAttempt<I, R>> throttled;
    private final AsyncEnds<I, R> ends;

    AsyncLaunch(AsyncTaskFunction<? super I, ? extends R> function, Duration timeout, Lifecycle lifecycle,
                Counters counters, Places<I, R> places, Throttled<AsyncAttempt<I, R>> throttled, AsyncEnds<I, R> ends) {
        this.function = function;
        this.timeout = timeout;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.places = places;
        this.throttled = throttled;
        this.ends = ends;
    }

    /** Starts the next attempt of an input that is {@link AsyncAttempt#WAITING}, unless a stop ended it meanwhile. */
    void next(AsyncAttempt<I, R> attempt) {
        int number = attempt.attempts + 1;
        if (attempt.slot != null) {
            synchronized (attempt) {
                if (attempt.state != AsyncAttempt.WAITING) {
                    return; // a stop ended it while it was parked
                }
                long wait = attempt.slot.acquire();
                if (wait != 0) {
                    // parked without its place, so that another key's input runs meanwhile: counted placeless
                    // first, so that the outstanding count never reads 0 in between
                    if (!attempt.placeless) { // it holds a place (a parked one was placed before it got here)
                        attempt.placeless = true;
                        places.parkWithoutPlace();
                    }
                    if (wait == TaskLimit.ON_RELEASE) {
                        throttled.parkForRelease(attempt, attempt.slot.limit(), attempt.slot.seenReleases());
                    } else {
                        throttled.parkUntil(attempt, System.nanoTime() + wait);
                    }
                    return;
                }
                if (!attempt.move(AsyncAttempt.WAITING, number)) {
                    attempt.slot.release();
                    return;
                }
            }
        } else if (!attempt.move(AsyncAttempt.WAITING, number)) {
            return;
        }
        attempt.attempts = number;
        if (number == 1) {
            counters.count(WorkerCounts.STARTED, 1);
        }
        CompletionStage<? extends R> stage;
        AsyncAttempt<?, ?> outer = AsyncAttempt.STARTING.get();
        AsyncAttempt.STARTING.set(attempt);
        try {
            stage = function.apply(attempt.input);
        } catch (Throwable e) {
            ends.ended(attempt, number, null, e, false);
            return;
        } finally {
            // set back, never removed: a removal per task made the next task's get() insert the entry again and
            // sweep the thread's map (a tenth of a cluster run's loop time); a null value holds nothing
            AsyncAttempt.STARTING.set(outer);
            lifecycle.keepOnlyAStopsInterrupt();
        }
        if (stage == null) {
            ends.ended(attempt, number, null, new NullPointerException(
                    "the asynchronous task function returned null instead of a CompletionStage"), false);
            return;
        }
        attempt.stage = stage;
        ScheduledFuture<?> timer = null;
        if (timeout != null) {
            // the shared timeout thread does no user work: the attempt's end (listeners, failure policy, the stage's
            // cancel) runs on a thread of the offload pool
            timer = Timer.timeout(() -> Stages.offload(() -> ends.ended(attempt, number, null, new TimeoutException(
                    "task timed out after " + Durations.format(timeout)), true)), timeout);
            attempt.timer = timer;
        }
        try {
            stage.whenComplete((value, error) -> {
                attempt.completed = stage;
                ends.ended(attempt, number, value, error, false);
            });
        } catch (Throwable e) {
            ends.ended(attempt, number, null, e, false);
        }
        if (attempt.state != number) {
            // ended before its stage was known here (a stop, a timeout) or by it: cancel this attempt's timeout,
            // which a stop that came during apply saw no trace of (it would hold the run in the shared timeout queue
            // until its deadline; not attempt.timer, maybe the next attempt's), and the stage unless it completed
            if (timer != null) {
                timer.cancel(false);
            }
            if (attempt.completed != stage) {
                Stages.cancel(stage);
            }
        }
    }
}
