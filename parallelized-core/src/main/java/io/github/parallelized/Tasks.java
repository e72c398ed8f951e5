package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;

/**
 * One input, from admission to its outcome: the attempts with retry and timeout, the run's limits, cancellation,
 * the counters, the reporters' {@code onOutcome}, the failure policy, and the hand-off. Whatever is thrown on the way
 * (by the task, a predicate, a reporter, the JVM) becomes that input's failure outcome: a worker never dies with an
 * input in its hands.
 *
 * <p>An input that must wait (for its limit's permits, or out a retry's delay) is parked in {@link Parking}, off
 * the workers: the worker goes on with other inputs, and takes the parked one back once it is ready ({@link
 * #runParked}). Workers do not leave while inputs are parked; at a stop the parked inputs come out cancelled, with
 * the attempts that ran ({@link #drainParked}).
 */
final class Tasks<I, R> {

    private final TaskFunction<? super I, ? extends R> function;
    /** For an {@link AsyncTaskFunction}: its tasks; null for a blocking function. */
    private final AsyncTasks<I, R> async;
    private final RunConfig config;
    private final Lifecycle lifecycle;
    private final Counters counters;
    private final Delivery<I, R> delivery;
    /** What the timeout thread does when an attempt's time is up, or null without a timeout. */
    private final Timeouts<I, R> timeouts;
    private final AttemptPolicy policy;
    /** The run's limits, or null. */
    private final RunLimits<I> limits;
    /** Inputs of a blocking run that wait for permits or a retry's time; null when none can wait. */
    private final Parking<I> parked;
    private final Admission<I> admission;

    @SuppressWarnings("unchecked")
    Tasks(TaskFunction<? super I, ? extends R> function, AsyncTaskFunction<? super I, ? extends R> asyncFunction,
          RunConfig config, Admission<I> admission, Room room, Lifecycle lifecycle, Counters counters,
          Delivery<I, R> delivery) {
        this.function = function;
        this.admission = admission;
        this.config = config;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.delivery = delivery;
        this.timeouts = config.timeout() == null ? null : new Timeouts<>(config.timeout(), counters, delivery);
        this.policy = new AttemptPolicy(config.retry());
        this.limits = (RunLimits<I>) config.limits();
        this.parked = asyncFunction == null && (limits != null || policy.mayWait())
                ? new Parking<>(room, admission, lifecycle, counters) : null;
        this.async = asyncFunction != null
                ? new AsyncTasks<>(asyncFunction, config, policy, limits, room, lifecycle, counters, delivery) : null;
    }

    /**
     * Runs an admitted input to its outcome and hands it over (for an asynchronous function: starts it; when it
     * must wait: parks it); false when the worker was abandoned meanwhile.
     */
    boolean process(Worker<I, R> worker, I input, long seq) {
        if (async != null) {
            async.start(worker, input, seq);
            return true;
        }
        Outcome<I, R> outcome;
        try {
            outcome = first(worker, input, seq);
        } catch (Throwable e) {
            outcome = failedOutside(input, e, 0);
        }
        return handOver(worker, seq, outcome);
    }

    /**
     * An input's first course (no lambda per input, and a frame less that a virtual thread copies at each park): its
     * attempts, or why it has none.
     */
    private Outcome<I, R> first(Worker<I, R> worker, I input, long seq) {
        if (!lifecycle.isRunning()) {
            admission.giveBack(worker.claim); // the rest of its claim goes to remaining() now, not taken one by one
            return counters.cancelledBeforeStart(input);
        }
        RunLimits<I>.Slot slot = limits == null ? null : limits.slot(input);
        if (slot != null && slot.error() != null) {
            slot.close();
            return failedOutside(input, slot.error(), 0);
        }
        return attempts(worker, input, seq, 0, worker.begins(System.nanoTime()), null, slot, false);
    }

    /** The way to an input's outcome: its attempts, or why it has none. Null: the worker was abandoned. */
    private interface Course<I, R> {
        Outcome<I, R> run() throws Throwable;
    }

    /**
     * Follows an input's course on its worker and delivers its outcome (unless it was parked); whatever the course
     * throws becomes the input's failure. False when the worker was abandoned meanwhile (a timeout handed it over).
     */
    private boolean complete(Worker<I, R> worker, I input, long seq, int attempts, Course<I, R> course) {
        Outcome<I, R> outcome;
        try {
            outcome = course.run();
        } catch (Throwable e) {
            outcome = failedOutside(input, e, attempts);
        }
        return handOver(worker, seq, outcome);
    }

    /** Delivers an outcome unless it was parked; false for none: the worker was abandoned meanwhile. */
    private boolean handOver(Worker<I, R> worker, long seq, Outcome<I, R> outcome) {
        if (outcome == null) {
            return false;
        }
        if (outcome != PARKED) {
            delivery.deliver(worker.outbox, seq, outcome);
        }
        return true;
    }

    /** An input that failed outside its task (before any attempt, or in our code or the JVM's around it). */
    private Outcome<I, R> failedOutside(I input, Throwable error, int attempts) {
        counters.failedOutsideTask();
        return new Outcome<>(input, null, error, attempts, Duration.ZERO);
    }

    /** What {@link #runParked} did: nothing was ready, it ran one, or its worker was abandoned meanwhile. */
    static final int NONE_READY = 0;
    static final int RAN = 1;
    static final int ABANDONED_WORKER = 2;

    /** On a worker loop, before it takes a new input: runs a parked input that is ready, if any. */
    int runParked(Worker<I, R> worker) {
        Parking.Parked<I> ready = parked == null ? null : parked.ready();
        if (ready == null) {
            return NONE_READY;
        }
        worker.begins(System.nanoTime());
        boolean kept = complete(worker, ready.input(), ready.seq(), ready.attempts(), () -> lifecycle.isRunning()
                ? attempts(worker, ready.input(), ready.seq(), ready.attempts(), ready.begin(), ready.lastError(),
                ready.slot(), true)
                : parked.stopped(worker, ready));
        return kept ? RAN : ABANDONED_WORKER;
    }

    /**
     * A worker found no input to admit: true while inputs are parked (it waits, bounded, for the next to be ready,
     * and must not leave), false when it may leave.
     */
    boolean awaitParked() {
        return parked != null && parked.await();
    }

    /** On a worker leaving a stopped run: the parked inputs come out cancelled, with the attempts that ran. */
    void drainParked(Worker<I, R> worker) {
        if (parked == null) {
            return;
        }
        for (Parking.Parked<I> left : parked.drainIfStopped()) {
            Outcome<I, R> outcome;
            try {
                outcome = parked.stopped(worker, left);
            } catch (Throwable e) {
                outcome = failedOutside(left.input(), e, left.attempts());
            }
            delivery.deliver(worker.outbox, left.seq(), outcome);
        }
    }

    /** The replacement of an abandoned worker takes over its timed-out input; false if abandoned again. */
    boolean resume(Worker<I, R> worker, WorkerThread.Handover<I> from) {
        return complete(worker, from.input(), from.seq(), from.attempts(), () -> {
            @SuppressWarnings("unchecked")
            RunLimits<I>.Slot slot = (RunLimits<I>.Slot) from.slot();
            if (slot != null) {
                slot.release(); // the timed-out attempt's permits: its thread is left to end on its own
            }
            return attempts(worker, from.input(), from.seq(), from.attempts(), from.beginNanos(), from.error(), slot,
                    false);
        });
    }

    /** An asynchronous function's tasks, or null. */
    AsyncTasks<I, R> async() {
        return async;
    }

    /** Marks an input parked off the workers: no outcome yet. Compared by identity. */
    private final Outcome<I, R> PARKED = new Outcome<>(null, null, null, 0, Duration.ZERO);

    /**
     * Attempts until success, a final failure, a stop, or abandonment (then null), or until the input must wait
     * (then it is parked and this returns {@link #PARKED}). {@code decided}: resumed from a park, the retry decision
     * and its delay are behind it.
     */
    private Outcome<I, R> attempts(Worker<I, R> worker, I input, long seq, int done, long begin, Throwable last,
                                   RunLimits<I>.Slot slot, boolean decided) {
        int attempts = done;
        worker.takeResubmissions(); // what an abandoned attempt's thread may have left there is not this input's
        int resubmitted = 0;
        Throwable error = last;
        Object value = null;
        boolean retryDecided = decided;
        while (true) {
            if (error != null && !retryDecided) {
                Throwable end = policy.endsWith(attempts, error, lifecycle.isRunning());
                if (end != null) {
                    error = end;
                    break;
                }
                long delay = policy.delayNanos(attempts, error);
                if (delay > 0) {
                    if (parked != null) {
                        parked.until(new Parking.Parked<>(input, seq, slot, attempts, begin, error),
                                System.nanoTime() + delay);
                        return PARKED;
                    }
                    if (!AttemptPolicy.sleep(delay)) {
                        break;
                    }
                }
            }
            retryDecided = false;
            if (slot != null) {
                long wait = slot.acquire();
                if (wait != 0) {
                    Parking.Parked<I> waiting = new Parking.Parked<>(input, seq, slot, attempts, begin, error);
                    if (wait == TaskLimit.ON_RELEASE) {
                        parked.forRelease(waiting, slot.limit(), slot.seenReleases());
                    } else {
                        parked.until(waiting, System.nanoTime() + wait);
                    }
                    return PARKED;
                }
            }
            if (attempts == 0) {
                worker.counts.increment(WorkerCounts.STARTED);
            }
            attempts++;
            Object result = attempt(worker, input, seq, attempts, begin, slot);
            if (result == ABANDONED) {
                return null; // the slot went with the hand-over
            }
            if (slot != null) {
                slot.release();
            }
            resubmitted += worker.takeResubmissions();
            if (result instanceof Failure failure) {
                error = failure.error;
            } else {
                value = result;
                error = null;
                break;
            }
        }
        if (slot != null) {
            slot.close();
        }
        long nanos = System.nanoTime() - begin;
        worker.recordTime(nanos);
        error = AttemptPolicy.endError(error, lifecycle);
        if (resubmitted != 0) {
            worker.counts.add(WorkerCounts.RESUBMITTED, resubmitted);
        }
        worker.counts.increment(AttemptPolicy.countOf(error));
        @SuppressWarnings("unchecked")
        R result = error == null ? (R) value : null;
        return new Outcome<>(input, result, error, attempts + resubmitted, Duration.ofNanos(nanos));
    }

    /** Marks an abandoned attempt; a task's own result is never this private object. */
    private static final Object ABANDONED = new Object();

    /** A failed attempt's error, kept apart from a result that happens to be a Throwable. */
    private record Failure(Throwable error) {
    }

    /** Runs one attempt: its result, a {@link Failure}, or {@link #ABANDONED} when it timed out and was handed over. */
    private Object attempt(Worker<I, R> worker, I input, long seq, int number, long begin, Object slot) {
        if (config.timeout() == null) {
            return applied(input);
        }
        long id = worker.thread.beginAttempt(input, seq, number, begin, slot);
        ScheduledFuture<?> timer = Timer.timeout(() -> timeouts.passed(worker, id), config.timeout());
        Object result = applied(input);
        timer.cancel(false);
        return worker.thread.endAttempt(id) ? result : ABANDONED;
    }

    /** The task function applied once: its result or its {@link Failure}, with only a stop's interrupt kept. */
    private Object applied(I input) {
        Object result;
        try {
            result = function.apply(input);
        } catch (Throwable e) {
            result = new Failure(e);
        }
        lifecycle.keepOnlyAStopsInterrupt();
        return result;
    }
}
