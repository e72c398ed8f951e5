package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker loop: admit an input, run it (through {@link Tasks}), hand its outcome over, again, until admission
 * closes. On a supplied executor it gives its thread back after a time slice, so that runs sharing a pool take
 * turns. A loop whose attempt times out is abandoned: its thread is left to finish the task on its own, and a
 * replacement takes over this worker (its counters, its task times, the timed-out input) at the deadline.
 *
 * <p>The fields under this object's lock ({@link #thread}, the attempt) are touched by our code alone and never
 * across a user callback, so that a stopping thread may take it.
 */
final class Worker<I, R> implements Runnable {

    final Crew<I, R> crew;
    /** This worker's task times: its own, or for workers past {@link Tasks#OWN_TIMES} one shared under its lock. */
    final TaskTimes times;
    final boolean sharedTimes;
    final WorkerCounts counts = new WorkerCounts();
    /**
     * The worker whose loop body runs on this thread: set when a body is entered (not per task), so that
     * {@link Parallelized#countResubmission()} finds the task it is called from.
     */
    static final ThreadLocal<Worker<?, ?>> CURRENT = new ThreadLocal<>();
    /** Resubmissions counted by the running attempt; the task's thread alone writes it, {@link Tasks} takes it. */
    int resubmissions;
    /** Where this worker's outcomes go to the consumer; null for workers that share the queue. */
    final Handoff.Outbox outbox;
    /** What a thread or the executor runs: the decorated body inside the launch that checks it ran. */
    Runnable launch;
    /** The input just admitted by {@link Admission#pull}, and its sequence number; the active loop's alone. */
    I input;
    long seq;
    /** The inputs this worker read together and has not all started; others may steal from it. */
    volatile Claim<I> claim = Claim.none();

    /**
     * A claim grows while its inputs take less than this each, read and run: then the read lock and the admitted
     * count, not the tasks, would be the cost. Above {@link #SHRINK_NANOS} it is back to one input, so that slow
     * tasks never hold inputs behind them.
     */
    static final long GROW_NANOS = 2_000;
    static final long SHRINK_NANOS = 20_000;
    /**
     * When this worker's current task began (opaque: a plain store per task, read now and then by others): a
     * worker that takes a new claim first steals from one whose task has run longer than {@link #STALLED_NANOS},
     * so that inputs claimed behind a slow or waiting task do not wait for it.
     */
    private long taskBegin = Long.MAX_VALUE;
    static final long STALLED_NANOS = 50_000;
    private static final VarHandle TASK_BEGIN =
            VarHandles.field(MethodHandles.lookup(), Worker.class, "taskBegin", long.class);

    /** The active loop's alone: the worker it looks at next for a stalled claim, and when ({@link Admission}). */
    int probe;
    long nextProbe;
    /** The active loop's alone: it holds a place among an asynchronous run's tasks in flight for its next input. */
    boolean reservedPlace;
    /** The active loop's alone: its spin budget while it waits for room (adapted like the consumer's). */
    int roomSpins = Handoff.MIN_SPINS;
    /** The active loop's alone: the size asked for and the size and time of its last claim read. */
    private int claimTarget;
    private int claimSize;
    private long claimedAt;

    /** The thread in the body of this loop, null between slices; guarded by this. */
    private Thread thread;
    /** How often a body began: tells a launch whether its decorator let the body run; guarded by this. */
    private long entries;
    /** The attempt now running (bumped again at its end, so a late timeout cannot hit the next); guarded by this. */
    private long attempt;
    private long abandoned;
    private Handover<I> handover;
    private I attemptInput;
    private long attemptSeq;
    private int attemptNumber;
    private long attemptBegin;
    private Object attemptSlot;

    Worker(Crew<I, R> crew, TaskTimes times, boolean sharedTimes, Handoff.Outbox outbox) {
        this.crew = crew;
        this.outbox = outbox;
        this.times = times;
        this.sharedTimes = sharedTimes;
    }

    /** The attempt that a timeout may hand over: the input, its place, which attempt, since when, its limits. */
    record Handover<I>(I input, long seq, int attempts, long beginNanos, Throwable error, Object slot) {
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        Handover<I> resumed;
        synchronized (this) {
            thread = current;
            entries++;
            resumed = handover;
            handover = null;
        }
        java.util.concurrent.ExecutorService outer = crew.entered(this);
        Worker<?, ?> enclosing = enter();
        boolean leaves = true;
        AsyncTasks<I, R> async = crew.tasks.async();
        // an asynchronous run's loop that leaves for good (its source drained, or interrupted: a stop, an executor's
        // shutdownNow()) first starts the retries of the tasks still in flight: they need a loop
        boolean awaitInFlight = false;
        // an asynchronous run's loop on a supplied executor that gave its thread back: launched again by a wake-up
        boolean away = false;
        try {
            if (resumed != null && !crew.tasks.resume(this, resumed)) {
                return;
            }
            long sliceEnd = System.nanoTime() + Crew.SLICE_NANOS;
            while (true) {
                // an asynchronous run's loop takes a place among the tasks in flight before it takes an input
                int place = async == null ? AsyncTasks.RESERVED : async.reserve(this);
                if (place == AsyncTasks.AWAY) {
                    away = true;
                    leaves = false;
                    break;
                }
                if (place == AsyncTasks.STOPPED) {
                    break;
                }
                // inputs parked for a limit or a retry's time come first: they are older than the source's
                int parked = crew.tasks.runParked(this);
                if (parked == Tasks.ABANDONED_WORKER) {
                    return; // abandoned after a timeout: the replacement owns this worker now
                }
                if (parked == Tasks.RAN) {
                    continue;
                }
                if (!crew.admission.pull(this)) {
                    if (crew.tasks.awaitParked()) {
                        continue; // inputs still wait for their limits: this loop stays for them
                    }
                    break;
                }
                crew.grow();
                I next = input;
                input = null;
                if (!crew.tasks.process(this, next, seq)) {
                    return; // abandoned after a timeout: the replacement owns this worker now
                }
                if (crew.shared && System.nanoTime() - sliceEnd > 0) {
                    if (crew.resubmit(this)) {
                        leaves = false;
                        break;
                    }
                    sliceEnd = System.nanoTime() + Crew.SLICE_NANOS;
                }
            }
            awaitInFlight = leaves;
        } catch (InterruptedException e) {
            // stopped while waiting for the source or for room: leave
            awaitInFlight = leaves;
        } finally {
            if (leaves) {
                crew.tasks.drainParked(this); // a stopped run's parked inputs come out cancelled
            }
            if (async != null && !away) {
                async.unreserve(this);
                if (awaitInFlight && async.awaitInFlight(this)) {
                    leaves = false; // gave its thread back: its next launch waits on
                }
            }
            synchronized (this) {
                if (thread == current) {
                    thread = null;
                } else {
                    leaves = false; // abandoned: not this thread's exit to count
                }
            }
            // the run may have interrupted this thread; a pooled thread must not carry that to its next job
            Thread.interrupted();
            leave(enclosing);
            crew.left(outer);
        }
        if (leaves) {
            crew.exited(this);
        }
    }

    /** This thread now runs this worker's tasks: returns the worker it ran before (a nested run's), for {@link #leave}. */
    Worker<?, ?> enter() {
        Worker<?, ?> enclosing = CURRENT.get();
        CURRENT.set(this);
        return enclosing;
    }

    static void leave(Worker<?, ?> enclosing) {
        if (enclosing == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(enclosing);
        }
    }

    /** The resubmissions counted since the last call (the task's thread, between attempts). */
    int takeResubmissions() {
        int counted = resubmissions;
        if (counted != 0) {
            resubmissions = 0;
        }
        return counted;
    }

    /** Its current task begins now; returns {@code now}. */
    long begins(long now) {
        TASK_BEGIN.setOpaque(this, now);
        return now;
    }

    /** True when this worker's current task has run for longer than {@link #STALLED_NANOS} at {@code now}. */
    boolean stalled(long now) {
        return now - (long) TASK_BEGIN.getOpaque(this) > STALLED_NANOS;
    }

    /** The size of this worker's next claim, adapted to how long the inputs of its last one took each. */
    int nextClaimSize(long now, int max) {
        if (claimSize == 0) {
            return 1;
        }
        long each = (now - claimedAt) / claimSize;
        return each < GROW_NANOS ? Math.min(max, claimTarget * 2)
                : each > SHRINK_NANOS ? 1 : Math.min(max, claimTarget);
    }

    /** This worker read a claim of {@code size} inputs (of {@code target} asked for) at {@code now}. */
    void claimed(int target, int size, long now) {
        claimTarget = target;
        claimSize = size;
        claimedAt = now;
    }

    synchronized long entries() {
        return entries;
    }

    /** The consumer runs this worker's tasks for a while (see {@link Crew#help}). */
    synchronized boolean claimFor(Thread helper) {
        if (thread != null) {
            return false;
        }
        thread = helper;
        return true;
    }

    synchronized void release(Thread helper) {
        if (thread == helper) {
            thread = null;
        }
    }

    synchronized void interrupt() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Before an attempt with a timeout: its id, and what a timeout would hand over. */
    synchronized long beginAttempt(I in, long place, int number, long begin, Object slot) {
        attemptInput = in;
        attemptSlot = slot;
        attemptSeq = place;
        attemptNumber = number;
        attemptBegin = begin;
        return ++attempt;
    }

    /**
     * After the attempt: false when it timed out and was handed over (this thread must leave). An abandoned thread
     * that returns late touches nothing: the attempt fields may hold its replacement's attempt by now (clearing them
     * lost the input of a timed-out retry: its outcome came with a null input).
     */
    synchronized boolean endAttempt(long id) {
        if (attempt != id || abandoned == id) {
            return false;
        }
        attemptInput = null;
        attemptSlot = null;
        attempt++;
        return true;
    }

    /**
     * The timeout of attempt {@code id} passed: abandons its thread (interrupted, left to finish on its own) and
     * returns what the replacement must resume, or null when the attempt had already ended.
     */
    synchronized Handover<I> abandon(long id, Throwable timeout) {
        if (attempt != id || thread == null) {
            return null;
        }
        abandoned = id;
        thread.interrupt();
        thread = null;
        handover = new Handover<>(attemptInput, attemptSeq, attemptNumber, attemptBegin, timeout, attemptSlot);
        attemptInput = null;
        attemptSlot = null;
        return handover;
    }

    /** The replacement could not start: the caller delivers the hand-over itself, unless it was taken. */
    synchronized boolean withdraw(Handover<I> given) {
        if (handover != given) {
            return false;
        }
        handover = null;
        return true;
    }
}
