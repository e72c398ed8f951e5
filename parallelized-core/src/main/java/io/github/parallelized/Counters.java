package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts behind {@link Progress} and {@link Summary}: each worker's own padded counters (written by that
 * worker alone), summed on demand, plus the few outcomes made outside a worker's task, and those of an
 * asynchronous function's tasks, which end on any thread ({@link #count}).
 */
final class Counters {

    /** How many workers keep task times of their own; the others share {@link #SHARED_TIMES} striped ones. */
    static final int OWN_TIMES = 64;
    static final int SHARED_TIMES = 16;

    /** The run's workers, set once by the crew before any loop starts; an entry may be null (virtual threads). */
    private Worker<?, ?>[] workers = new Worker<?, ?>[0];
    /**
     * The task times of the workers past the first {@link #OWN_TIMES}, and of an asynchronous function's tasks
     * (they end on any thread), striped: a histogram is 4 KB, and a run on 10,000 virtual threads must not
     * allocate 40 MB of them.
     */
    private final TaskTimes[] sharedTimes;
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final LongAdder failedOutside = new LongAdder();
    /** The {@link WorkerCounts} slots counted by any thread (asynchronous tasks), from {@link WorkerCounts#STARTED}. */
    private final LongAdder[] anyThread = new LongAdder[WorkerCounts.RESUBMITTED - WorkerCounts.STARTED + 1];

    Counters(RunConfig config) {
        this.sharedTimes = new TaskTimes[config.loops() > OWN_TIMES || config.async() ? SHARED_TIMES : 0];
        for (int i = 0; i < sharedTimes.length; i++) {
            sharedTimes[i] = new TaskTimes();
        }
        for (int i = 0; i < anyThread.length; i++) {
            anyThread[i] = new LongAdder();
        }
    }

    /** Set once by the crew, before any loop starts (its start publishes it to them and to the reporters). */
    void workers(Worker<?, ?>[] all) {
        this.workers = all;
    }

    /** The task times worker {@code i} records in: its own, or a shared stripe (used under its lock). */
    TaskTimes timesFor(int worker) {
        return worker < OWN_TIMES ? new TaskTimes() : sharedTimes[worker % SHARED_TIMES];
    }

    /** The shared stripe the current thread records in (an asynchronous task's end; used under its lock). */
    TaskTimes stripeOfThisThread() {
        return sharedTimes[System.identityHashCode(Thread.currentThread()) % sharedTimes.length];
    }

    /** An admitted input that never started because the run stopped: its cancelled outcome. */
    <I, R> Outcome<I, R> cancelledBeforeStart(I input) {
        cancelledBeforeStart.increment();
        return new Outcome<>(input, null, new CancellationException("cancelled before it started"), 0,
                Duration.ZERO);
    }

    /** An input failed outside its task (a timeout whose replacement could not start, an error of the JVM). */
    void failedOutsideTask() {
        failedOutside.increment();
    }

    /** Counts on a {@link WorkerCounts} slot from any thread: for the tasks of an asynchronous function. */
    void count(int slot, long amount) {
        anyThread[slot - WorkerCounts.STARTED].add(amount);
    }

    /** A {@link WorkerCounts} slot, every worker's and any thread's added up. */
    private long sum(int slot) {
        long sum = anyThread[slot - WorkerCounts.STARTED].sum();
        for (Worker<?, ?> w : workers) {
            if (w != null) { // a run on virtual threads creates its workers as inputs come
                sum += w.counts.get(slot);
            }
        }
        return sum;
    }

    long completed() {
        return cancelledBeforeStart.sum() + failedOutside.sum() + sum(WorkerCounts.SUCCEEDED)
                + sum(WorkerCounts.FAILED) + sum(WorkerCounts.CANCELLED);
    }

    long failed() {
        return failedOutside.sum() + sum(WorkerCounts.FAILED);
    }

    /** Resubmissions counted by the task functions ({@link Parallelized#countResubmission()}). */
    long resubmitted() {
        return sum(WorkerCounts.RESUBMITTED);
    }

    /** Tasks that ended by themselves (succeeded or failed), for the failure rate. */
    long ended() {
        return failedOutside.sum() + sum(WorkerCounts.SUCCEEDED) + sum(WorkerCounts.FAILED);
    }

    /** started, succeeded, failed, cancelled (running and early), read outcomes first so running is never negative. */
    long[] snapshot() {
        long outside = failedOutside.sum();
        long succeeded = sum(WorkerCounts.SUCCEEDED);
        long failed = outside + sum(WorkerCounts.FAILED);
        long cancelled = sum(WorkerCounts.CANCELLED);
        long started = sum(WorkerCounts.STARTED);
        long running = Math.max(0, started - succeeded - (failed - outside) - cancelled);
        long early = cancelledBeforeStart.sum();
        return new long[] {started, running, succeeded, failed, cancelled + early, early};
    }

    /** Every worker's task times, added up. */
    TaskTimes times() {
        TaskTimes times = new TaskTimes();
        for (int i = 0; i < Math.min(workers.length, OWN_TIMES); i++) {
            if (workers[i] != null) {
                workers[i].times.addTo(times);
            }
        }
        for (TaskTimes stripe : sharedTimes) {
            synchronized (stripe) {
                stripe.addTo(times);
            }
        }
        return times;
    }
}
