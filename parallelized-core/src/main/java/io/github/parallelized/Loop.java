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

    /** What one {@link #turn} did (see there). */
    private static final int NEXT = 0;
    private static final int PROCESSED = 1;
    private static final int AWAY = 2;
    private static final int DONE = 3;
    private static final int ABANDONED = 4;

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
        Throwable died = null;
        try {
            if (resumed != null && !tasks.resume(worker, resumed)) {
                leaves = false; // abandoned again, as below
                return;
            }
            long sliceEnd = System.nanoTime() + SLICE_NANOS;
            while (true) {
                int turn = turn(async);
                if (turn == NEXT) {
                    continue;
                }
                if (turn == ABANDONED) {
                    // abandoned after a timeout: the replacement owns this worker now, and this thread, no longer
                    // one of the run's loops, leaves without touching it (see the finally)
                    leaves = false;
                    return;
                }
                if (turn == AWAY) {
                    away = true;
                    leaves = false;
                    break;
                }
                if (turn == DONE) {
                    break;
                }
                if (takesTurns && System.nanoTime() - sliceEnd > 0) { // PROCESSED: one task ran
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
        } catch (RuntimeException | Error e) {
            // anything else nothing caught (the JVM's own errors): the loop dies, counted as gone, never silently
            died = e;
            awaitInFlight = leaves;
        } finally {
            if (leaves) {
                // a stopped run's parked inputs come out cancelled, drained by a live loop only: an abandoned thread
                // that drained them held them, uncounted, while the last live loop left with nothing to drain, and
                // the consumer, seeing no loop left, failed the run with them as lost (it also wrote its worker's
                // outbox, which has one writer: the live loop)
                tasks.drainParked(worker);
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
        if (leaves && died != null) {
            Log.named("io.github.parallelized").warn("the worker loop on {} died, its run goes on with its other "
                    + "loops: {}", current.getName(), Errors.describe(died, false), died);
            crew.died(worker, died);
        } else if (leaves) {
            crew.exited(worker);
        }
    }

    /**
     * One turn of the loop: {@link #NEXT} when a parked input ran or the loop waits on for parked ones, {@link
     * #PROCESSED} when an input from the source ran, {@link #AWAY} when an asynchronous run's loop gave its thread
     * back, {@link #DONE} when admission closed (or an asynchronous run stopped), {@link #ABANDONED} when its attempt
     * timed out. A method of its own, called per task, so that the JIT compiles it as soon as it is hot and keeps it
     * from run to run; inside {@link #run} (called once per loop) it would be compiled only on the stack, and thrown
     * away at each run's end: the next run's first 50-90 ms ran profiled code (1,000,000 no-ops at 1 thread: the second
     * run 1.5x the third's time).
     */
    private int turn(AsyncTasks<I, R> async) throws InterruptedException {
        // an asynchronous run's loop takes a place among the tasks in flight before it takes an input
        int place = async == null ? AsyncTasks.RESERVED : async.reserve(worker);
        if (place == AsyncTasks.AWAY) {
            return AWAY;
        }
        if (place == AsyncTasks.STOPPED) {
            return DONE;
        }
        // inputs parked for a limit or a retry's time come first: they are older than the source's
        int parked = tasks.runParked(worker);
        if (parked == Tasks.ABANDONED_WORKER) {
            return ABANDONED;
        }
        if (parked == Tasks.RAN) {
            return NEXT;
        }
        if (!admission.pull(worker)) {
            // inputs still waiting for their limits keep this loop
            return tasks.awaitParked() ? NEXT : DONE;
        }
        crew.grow();
        I next = worker.input;
        worker.input = null;
        return tasks.process(worker, next, worker.seq) ? PROCESSED : ABANDONED;
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
