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
    /** The counts of the workers past the first {@link #OWN_TIMES}, striped likewise. */
    private final WorkerCounts[] sharedCounts;
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final LongAdder failedOutside = new LongAdder();
    /** The {@link WorkerCounts} slots counted by any thread (asynchronous tasks), from {@link WorkerCounts#STARTED}. */
    private final LongAdder[] anyThread = new LongAdder[WorkerCounts.RESUBMITTED - WorkerCounts.STARTED + 1];

    Counters(RunConfig config) {
        this.sharedTimes = new TaskTimes[config.loops() > OWN_TIMES || config.async() ? SHARED_TIMES : 0];
        this.sharedCounts = new WorkerCounts[config.loops() > OWN_TIMES ? SHARED_TIMES : 0];
        for (int i = 0; i < sharedTimes.length; i++) {
            sharedTimes[i] = new TaskTimes();
        }
        for (int i = 0; i < sharedCounts.length; i++) {
            sharedCounts[i] = WorkerCounts.stripe();
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

    /** The counts worker {@code i} keeps: its own, or a shared stripe. */
    WorkerCounts countsFor(int worker) {
        return worker < OWN_TIMES ? WorkerCounts.own() : sharedCounts[worker % SHARED_TIMES];
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

    /** Where {@link #sums()} puts each {@link WorkerCounts} slot. */
    private static final int STARTED = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;
    private static final int CANCELLED = 3;
    private static final int RESUBMITTED = 4;

    /**
     * The {@link WorkerCounts} slots from STARTED to RESUBMITTED, every worker's and any thread's added up, in one
     * pass over the workers (a run on 10,000 virtual threads has as many: a pass per slot made a snapshot cost
     * tens of thousands of cache misses). Per worker and for any thread, the outcomes are read before the starts,
     * so that no task that started and ended in between counts as ended and not started: running is never negative.
     */
    private long[] sums() {
        long[] sums = new long[RESUBMITTED + 1];
        for (int slot = WorkerCounts.SUCCEEDED; slot <= WorkerCounts.RESUBMITTED; slot++) {
            sums[slot - WorkerCounts.STARTED] = anyThread[slot - WorkerCounts.STARTED].sum();
        }
        sums[STARTED] = anyThread[0].sum();
        for (int i = 0; i < Math.min(workers.length, OWN_TIMES); i++) {
            if (workers[i] != null) { // a run on virtual threads creates its workers as inputs come
                addTo(sums, workers[i].counts);
            }
        }
        for (WorkerCounts stripe : sharedCounts) {
            addTo(sums, stripe);
        }
        return sums;
    }

    private static void addTo(long[] sums, WorkerCounts counts) {
        for (int slot = WorkerCounts.SUCCEEDED; slot <= WorkerCounts.RESUBMITTED; slot++) {
            sums[slot - WorkerCounts.STARTED] += counts.get(slot);
        }
        sums[STARTED] += counts.get(WorkerCounts.STARTED);
    }

    long completed() {
        long[] sums = sums();
        return cancelledBeforeStart.sum() + failedOutside.sum() + sums[SUCCEEDED] + sums[FAILED] + sums[CANCELLED];
    }

    long failed() {
        return failedOutside.sum() + sums()[FAILED];
    }

    /** Tasks that ended by themselves (succeeded or failed), for the failure rate. */
    long ended() {
        long[] sums = sums();
        return failedOutside.sum() + sums[SUCCEEDED] + sums[FAILED];
    }

    /** Where {@link #snapshot()} puts the resubmissions. */
    static final int RESUBMITTED_AT = 6;

    /**
     * started, running, succeeded, failed, cancelled (running and early), early, resubmitted; outcomes read before
     * starts so that running is never negative.
     */
    long[] snapshot() {
        long outside = failedOutside.sum();
        long[] sums = sums();
        long failed = outside + sums[FAILED];
        long running = Math.max(0, sums[STARTED] - sums[SUCCEEDED] - sums[FAILED] - sums[CANCELLED]);
        long early = cancelledBeforeStart.sum();
        return new long[] {sums[STARTED], running, sums[SUCCEEDED], failed, sums[CANCELLED] + early, early,
                sums[RESUBMITTED]};
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
