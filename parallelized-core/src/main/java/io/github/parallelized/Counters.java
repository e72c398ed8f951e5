package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts behind {@link Progress} and {@link Summary}: each worker's own padded counters (written by that
 * worker alone), summed on demand, plus the few outcomes made outside a worker's task.
 */
final class Counters {

    private final Worker<?, ?>[] workers;
    private final TaskTimes[] sharedTimes;
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final LongAdder failedOutside = new LongAdder();

    Counters(Worker<?, ?>[] workers, TaskTimes[] sharedTimes) {
        this.workers = workers;
        this.sharedTimes = sharedTimes;
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

    long completed() {
        long done = cancelledBeforeStart.sum() + failedOutside.sum();
        for (Worker<?, ?> w : workers) {
            done += w.counts.get(WorkerCounts.SUCCEEDED) + w.counts.get(WorkerCounts.FAILED)
                    + w.counts.get(WorkerCounts.CANCELLED);
        }
        return done;
    }

    long failed() {
        long failed = failedOutside.sum();
        for (Worker<?, ?> w : workers) {
            failed += w.counts.get(WorkerCounts.FAILED);
        }
        return failed;
    }

    /** Resubmissions counted by the task functions ({@link Parallelized#countResubmission()}). */
    long resubmitted() {
        long resubmitted = 0;
        for (Worker<?, ?> w : workers) {
            resubmitted += w.counts.get(WorkerCounts.RESUBMITTED);
        }
        return resubmitted;
    }

    /** Tasks that ended by themselves (succeeded or failed), for the failure rate. */
    long ended() {
        long ended = failedOutside.sum();
        for (Worker<?, ?> w : workers) {
            ended += w.counts.get(WorkerCounts.SUCCEEDED) + w.counts.get(WorkerCounts.FAILED);
        }
        return ended;
    }

    /** started, succeeded, failed, cancelled (running and early), read outcomes first so running is never negative. */
    long[] snapshot() {
        long succeeded = 0;
        long failed = failedOutside.sum();
        long cancelled = 0;
        long started = 0;
        for (Worker<?, ?> w : workers) {
            succeeded += w.counts.get(WorkerCounts.SUCCEEDED);
            failed += w.counts.get(WorkerCounts.FAILED);
            cancelled += w.counts.get(WorkerCounts.CANCELLED);
        }
        for (Worker<?, ?> w : workers) {
            started += w.counts.get(WorkerCounts.STARTED);
        }
        long running = Math.max(0, started - succeeded - (failed - failedOutside.sum()) - cancelled);
        return new long[] {started, running, succeeded, failed, cancelled + cancelledBeforeStart.sum(),
                cancelledBeforeStart.sum()};
    }

    /** Every worker's task times, added up. */
    TaskTimes times() {
        TaskTimes times = new TaskTimes();
        for (int i = 0; i < Math.min(workers.length, Tasks.OWN_TIMES); i++) {
            workers[i].times.addTo(times);
        }
        for (TaskTimes stripe : sharedTimes) {
            synchronized (stripe) {
                stripe.addTo(times);
            }
        }
        return times;
    }
}
