package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One input, from admission to its outcome: the attempts with retry and timeout, cancellation, the counters,
 * the reporters' {@code onOutcome}, the failure policy, and the hand-off. Whatever is thrown on the way (by the
 * task, a predicate, a reporter, the JVM) becomes that input's failure outcome: a worker never dies with an
 * input in its hands.
 */
final class Tasks<I, R> {

    /** How many workers keep task times of their own; the others share {@link #SHARED_TIMES} striped ones. */
    static final int OWN_TIMES = 64;
    static final int SHARED_TIMES = 16;

    private final TaskFunction<? super I, ? extends R> function;
    /** For an {@link AsyncTaskFunction}: its tasks; null for a blocking function. */
    private final AsyncTasks<I, R> async;
    private final RunConfig config;
    private final Run<I, R> run;
    /**
     * The task times of the workers past the first {@link #OWN_TIMES}, striped: a histogram is 4 KB, and a run on
     * 10,000 virtual threads must not allocate 40 MB of them.
     */
    final TaskTimes[] sharedTimes;

    Tasks(TaskFunction<? super I, ? extends R> function, AsyncTaskFunction<? super I, ? extends R> asyncFunction,
          RunConfig config, Run<I, R> run) {
        this.function = function;
        this.config = config;
        this.run = run;
        this.async = asyncFunction != null ? new AsyncTasks<>(asyncFunction, config, run, this) : null;
        // an asynchronous function's tasks end on any thread: they record their times in the stripes
        this.sharedTimes = new TaskTimes[config.loops() > OWN_TIMES || async != null ? SHARED_TIMES : 0];
        for (int i = 0; i < sharedTimes.length; i++) {
            sharedTimes[i] = new TaskTimes();
        }
    }

    TaskTimes timesFor(int worker) {
        return worker < OWN_TIMES ? new TaskTimes() : sharedTimes[worker % SHARED_TIMES];
    }

    /**
     * Runs an admitted input to its outcome and hands it over (for an asynchronous function: starts it); false when
     * the worker was abandoned meanwhile.
     */
    boolean process(Worker<I, R> worker, I input, long seq) {
        if (async != null) {
            async.start(worker, input, seq);
            return true;
        }
        Outcome<I, R> outcome;
        try {
            outcome = run.lifecycle.isRunning()
                    ? attempts(worker, input, seq, 0, worker.begins(System.nanoTime()), null)
                    : run.counters.cancelledBeforeStart(input);
            if (outcome == null) {
                return false;
            }
        } catch (Throwable e) {
            outcome = new Outcome<>(input, null, e, 0, Duration.ZERO);
            run.counters.failedOutsideTask();
        }
        deliver(worker.outbox, seq, outcome);
        return true;
    }

    /** The replacement of an abandoned worker takes over its timed-out input; false if abandoned again. */
    boolean resume(Worker<I, R> worker, Worker.Handover<I> from) {
        Outcome<I, R> outcome;
        try {
            outcome = attempts(worker, from.input(), from.seq(), from.attempts(), from.beginNanos(), from.error());
            if (outcome == null) {
                return false;
            }
        } catch (Throwable e) {
            outcome = new Outcome<>(from.input(), null, e, from.attempts(), Duration.ZERO);
            run.counters.failedOutsideTask();
        }
        deliver(worker.outbox, from.seq(), outcome);
        return true;
    }

    /** The timeout could not be handed to a replacement: its outcome is delivered from the timeout thread. */
    void deliverOrphan(Worker.Handover<I> timedOut) {
        Outcome<I, R> outcome = new Outcome<>(timedOut.input(), null, timedOut.error(), timedOut.attempts(),
                Duration.ofNanos(System.nanoTime() - timedOut.beginNanos()));
        run.counters.failedOutsideTask();
        deliver(null, timedOut.seq(), outcome);
    }

    /** An asynchronous function's tasks, or null. */
    AsyncTasks<I, R> async() {
        return async;
    }

    /** Hands the outcome over through the outbox of the worker whose thread delivers it (null: the shared queue). */
    void deliver(Handoff.Outbox outbox, long seq, Outcome<I, R> outcome) {
        run.reporters.outcome(outcome);
        if (!outcome.isSuccess() && !outcome.isCancelled()) {
            run.failurePolicy.failed(outcome.error());
        }
        run.handoff.publish(outbox, config.ordered() ? new Sequenced(seq, outcome) : outcome);
    }

    /** Attempts until success, a final failure, a stop, or abandonment (then null). */
    private Outcome<I, R> attempts(Worker<I, R> worker, I input, long seq, int done, long begin, Throwable last) {
        if (done == 0) {
            worker.counts.increment(WorkerCounts.STARTED);
        }
        int attempts = done;
        worker.takeResubmissions(); // what an abandoned attempt's thread may have left there is not this input's
        int resubmitted = 0;
        Throwable error = last;
        Object value = null;
        while (true) {
            if (error != null) {
                if (attempts >= config.maxAttempts() || !run.lifecycle.isRunning()
                        || error instanceof CancellationException) {
                    break;
                }
                try {
                    if (!config.retryOn().test(error)) {
                        break;
                    }
                } catch (Throwable e) {
                    error = predicateFailed(error, e);
                    break;
                }
                if (!backOff()) {
                    break;
                }
            }
            attempts++;
            Object result = attempt(worker, input, seq, attempts, begin);
            if (result == ABANDONED) {
                return null;
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
        long nanos = System.nanoTime() - begin;
        if (worker.sharedTimes) {
            synchronized (worker.times) {
                worker.times.record(nanos);
            }
        } else {
            worker.times.record(nanos);
        }
        if (error != null && !run.lifecycle.isRunning() && !(error instanceof CancellationException)) {
            CancellationException cancelled = new CancellationException("cancelled while running");
            cancelled.initCause(error);
            error = cancelled;
        }
        if (resubmitted != 0) {
            worker.counts.add(WorkerCounts.RESUBMITTED, resubmitted);
        }
        worker.counts.increment(error == null ? WorkerCounts.SUCCEEDED
                : error instanceof CancellationException ? WorkerCounts.CANCELLED : WorkerCounts.FAILED);
        @SuppressWarnings("unchecked")
        R result = error == null ? (R) value : null;
        return new Outcome<>(input, result, error, attempts + resubmitted, Duration.ofNanos(nanos));
    }

    static ParallelizedException predicateFailed(Throwable taskError, Throwable predicateError) {
        ParallelizedException failed = new ParallelizedException("the retryOn predicate threw on "
                + Errors.describe(taskError, false) + ": " + Errors.describe(predicateError, false), predicateError);
        failed.addSuppressed(taskError);
        return failed;
    }

    /** Waits before a retry; false when interrupted (the run stopped). */
    private boolean backOff() {
        if (config.backoffNanos() == 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(config.backoffNanos());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Marks an abandoned attempt; a task's own result is never this private object. */
    private static final Object ABANDONED = new Object();

    /** A failed attempt's error, kept apart from a result that happens to be a Throwable. */
    private record Failure(Throwable error) {
    }

    /** Runs one attempt: its result, a {@link Failure}, or {@link #ABANDONED} when it timed out and was handed over. */
    private Object attempt(Worker<I, R> worker, I input, long seq, int number, long begin) {
        if (config.timeout() == null) {
            try {
                return function.apply(input);
            } catch (Throwable e) {
                return new Failure(e);
            }
        }
        long id = worker.beginAttempt(input, seq, number, begin);
        ScheduledFuture<?> timer = Timer.timeout(() -> timedOut(worker, id), config.timeout());
        Object result;
        try {
            result = function.apply(input);
        } catch (Throwable e) {
            result = new Failure(e);
        }
        timer.cancel(false);
        return worker.endAttempt(id) ? result : ABANDONED;
    }

    /** On the timeout thread: the attempt's outcome goes on at the deadline, without its thread. */
    private void timedOut(Worker<I, R> worker, long id) {
        Worker.Handover<I> handover = worker.abandon(id,
                new TimeoutException("task timed out after " + Durations.format(config.timeout())));
        if (handover != null && !worker.crew.replace(worker) && worker.withdraw(handover)) {
            deliverOrphan(handover);
            worker.crew.exited(worker);
        }
    }

    /** An outcome with its place in the source, for {@link Parallelized.Builder#ordered()}. */
    record Sequenced(long seq, Outcome<?, ?> outcome) {
    }
}
