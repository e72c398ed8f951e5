package io.github.parallelized;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One worker loop: admit an input, run it (through {@link Tasks}), hand its outcome over, again, until admission
 * closes. Inputs parked for a limit or a retry's time come first; an asynchronous run's loop takes a place among
 * the tasks in flight before it takes an input. On a supplied executor it gives its thread back after a time
 * slice, so that runs sharing a pool take turns. When its attempt times out the loop is abandoned: its thread
 * leaves without touching the worker, which a replacement loop resumes.
 */
final class Loop<I, R> implements Runnable {

    /** On a shared executor a worker loop gives its thread back after this long, so runs take turns. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Loops<I, R> crew;
    /** On a shared executor the loop gives its thread back after each time slice; asked once, not per task. */
    private final boolean takesTurns;
    private final Worker<I, R> worker;
    private final Admission<I> admission;
    private final Tasks<I, R> tasks;

    Loop(Loops<I, R> crew, Worker<I, R> worker, Admission<I> admission, Tasks<I, R> tasks) {
        this.crew = crew;
        this.takesTurns = crew.takesTurns();
        this.worker = worker;
        this.admission = admission;
        this.tasks = tasks;
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        WorkerThread.Handover<I> resumed = worker.thread.enter(current);
        if (resumed == WorkerThread.GONE) {
            return; // a decorator ran the body again after the loop had left: it counted as gone once already
        }
        ExecutorService outer = crew.entered();
        Worker<?, ?> enclosing = worker.enter();
        boolean leaves = true;
        AsyncTasks<I, R> async = tasks.async();
        // an asynchronous run's loop that leaves for good (its source drained, or interrupted: a stop, an executor's
        // shutdownNow()) first starts the retries of the tasks still in flight: they need a loop
        boolean awaitInFlight = false;
        // an asynchronous run's loop on a supplied executor that gave its thread back: launched again by a wake-up
        boolean away = false;
        try {
            if (resumed != null && !tasks.resume(worker, resumed)) {
                return;
            }
            long sliceEnd = System.nanoTime() + SLICE_NANOS;
            while (true) {
                // an asynchronous run's loop takes a place among the tasks in flight before it takes an input
                int place = async == null ? AsyncTasks.RESERVED : async.reserve(worker);
                if (place == AsyncTasks.AWAY) {
                    away = true;
                    leaves = false;
                    break;
                }
                if (place == AsyncTasks.STOPPED) {
                    break;
                }
                // inputs parked for a limit or a retry's time come first: they are older than the source's
                int parked = tasks.runParked(worker);
                if (parked == Tasks.ABANDONED_WORKER) {
                    return; // abandoned after a timeout: the replacement owns this worker now
                }
                if (parked == Tasks.RAN) {
                    continue;
                }
                if (!admission.pull(worker)) {
                    if (tasks.awaitParked()) {
                        continue; // inputs still wait for their limits: this loop stays for them
                    }
                    break;
                }
                crew.grow();
                I next = worker.input;
                worker.input = null;
                if (!tasks.process(worker, next, worker.seq)) {
                    return; // abandoned after a timeout: the replacement owns this worker now
                }
                if (takesTurns && System.nanoTime() - sliceEnd > 0) {
                    if (crew.resubmit(worker)) {
                        leaves = false;
                        break;
                    }
                    sliceEnd = System.nanoTime() + SLICE_NANOS;
                }
            }
            awaitInFlight = leaves;
        } catch (InterruptedException e) {
            // stopped while waiting for the source or for room: leave
            awaitInFlight = leaves;
        } finally {
            if (leaves) {
                tasks.drainParked(worker); // a stopped run's parked inputs come out cancelled
            }
            if (async != null && !away) {
                async.unreserve(worker);
                if (awaitInFlight && async.awaitInFlight(worker)) {
                    leaves = false; // gave its thread back: its next launch waits on
                }
            }
            if (!worker.thread.exit(current, leaves)) {
                leaves = false; // abandoned: not this thread's exit to count
            }
            // the run may have interrupted this thread; a pooled thread must not carry that to its next job (asked
            // first: clearing takes a virtual thread's interrupt lock)
            if (current.isInterrupted()) {
                Thread.interrupted();
            }
            worker.leave(enclosing);
            crew.left(outer);
        }
        if (leaves) {
            crew.exited(worker);
        }
    }

    /**
     * The consumer of a nested run runs one of its run's tasks on its own thread, as this loop would, while no loop
     * of the run has begun (see {@link Crew#help}); false when the worker is busy or there is no input to take.
     */
    boolean runOneOn(Thread consumer, Lifecycle lifecycle) {
        if (!worker.thread.claimFor(consumer)) {
            return false;
        }
        Worker<?, ?> enclosing = worker.enter();
        try {
            return admission.pullWithoutWaiting(worker) && tasks.process(worker, worker.input, worker.seq);
        } finally {
            worker.leave(enclosing);
            worker.thread.release(consumer);
            if (!lifecycle.isRunning()) {
                Thread.interrupted(); // the run interrupted its helper: not the consumer's own interrupt
            }
        }
    }
}
