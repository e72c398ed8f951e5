package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker: what one loop of the run (see {@link Loop}) carries from input to input: its counts and task times,
 * its outbox to the consumer, its claim of inputs read together, its pace of reading, and which thread runs it now.
 * A loop whose attempt times out is abandoned: its thread is left to finish the task on its own, and a replacement
 * loop takes over this worker (its counters, its task times, the timed-out input) at the deadline.
 */
final class Worker<I, R> extends CacheLinePadding implements Thread.UncaughtExceptionHandler {

    /**
     * The worker whose loop body runs on this thread: set when a body is entered (not per task), so that
     * {@link Parallelized#countResubmission()} finds the task it is called from (see {@link #current}).
     */
    static final ThreadLocal<Worker<?, ?>> CURRENT = new ThreadLocal<>();
    /**
     * A worker that takes a new claim first steals from one whose task has run longer than this, so that inputs
     * claimed behind a slow or waiting task do not wait for it.
     */
    static final long STALLED_NANOS = 50_000;
    private static final VarHandle TASK_BEGIN =
            VarHandles.field(MethodHandles.lookup(), Worker.class, "taskBegin", long.class);

    /** The loops that run this worker: a timeout replaces its loop through them. */
    final Loops<I, R> loops;
    /** This worker's task times: its own, or for workers past {@link Counters#OWN_TIMES} one shared under its lock. */
    final TaskTimes times;
    /** Its place among the run's workers; those past {@link Counters#OWN_TIMES} share their times and counts. */
    final int index;
    final WorkerCounts counts;
    /** Where this worker's outcomes go to the consumer; null for workers that share the queue. */
    final Handoff.Outbox outbox;
    /** How its loop reads the source, made at its first use ({@link #pace()}); the active loop's alone. */
    private Pace pace;
    /** Which thread runs it now, and the attempt a timeout may take over. */
    final WorkerThread<I> thread = new WorkerThread<>();
    /** Resubmissions counted by the running attempt; the task's thread alone writes it, {@link Tasks} takes it. */
    int resubmissions;
    /** What a thread or the executor runs: the decorated loop inside the launch that checks it ran. */
    Runnable launch;
    /** A lazily started worker's loop, which the run's one decorated body runs (see {@link Growth}); else null. */
    Runnable body;
    /** The input just admitted by {@link Admission#pull}, and its sequence number; the active loop's alone. */
    I input;
    long seq;
    /** The inputs this worker read together and has not all started; others may steal from it. */
    volatile Claim<I> claim = Claim.none();
    /**
     * The active loop's alone: whether it holds a place among an asynchronous run's tasks in flight for its next
     * input ({@link AsyncTasks#RESERVED}), gave it back while it waited for room ({@link AsyncTasks#GIVEN_BACK}), or
     * neither (0).
     */
    int place;
    /**
     * When this worker's current task began (opaque: a plain store per task, read now and then by others, see
     * {@link #stalled}).
     */
    private long taskBegin = Long.MAX_VALUE;

    Worker(Loops<I, R> loops, int index, TaskTimes times, WorkerCounts counts, Handoff.Outbox outbox) {
        this.loops = loops;
        this.index = index;
        this.outbox = outbox;
        this.times = times;
        this.counts = counts;
    }

    /**
     * The size of its next claim: as its pace says, once it has one. Until then its loop read one input at a time,
     * and the time its last task took from its begin says whether claims should grow (as the pace would, from the
     * read): a loop on a virtual thread may run one slow task in all, and would make its pace (48 bytes) for nothing.
     */
    int nextClaimSize(long now, int max) {
        if (max <= 1) {
            return 1;
        }
        if (pace == null) {
            long began = (long) TASK_BEGIN.getOpaque(this);
            if (began == Long.MAX_VALUE || now - began >= Pace.GROW_NANOS) {
                return 1;
            }
            pace().claimed(1, 1, began);
        }
        return pace.nextClaimSize(now, max);
    }

    /** A claim of {@code size} inputs (of {@code target}) was read at {@code now}: kept once claims are not of one. */
    void claimed(int target, int size, long now) {
        if (pace != null || target > 1 || size > 1) {
            pace().claimed(target, size, now);
        }
    }

    /** How its loop reads the source, made at the first use (see {@link #nextClaimSize}). */
    Pace pace() {
        Pace made = pace;
        if (made == null) {
            made = new Pace();
            pace = made;
        }
        return made;
    }

    /** Records an input's time, from its first attempt's start to its outcome. */
    void recordTime(long nanos) {
        if (index >= Counters.OWN_TIMES) {
            synchronized (times) {
                times.record(nanos);
            }
        } else {
            times.record(nanos);
        }
    }

    /**
     * This thread now runs this worker's tasks: returns the worker it ran before (a nested run's), for {@link
     * #leave}. A virtual thread whose body is the bare loop is not entered in {@link #CURRENT}: its thread knows
     * its worker as its uncaught-exception handler ({@link #current}), since a thread's first thread-local costs
     * it a table (136 bytes, a twentieth of what each of 10,000 loops on virtual threads held).
     */
    Worker<?, ?> enter() {
        if (bareLoop()) {
            return null;
        }
        Worker<?, ?> enclosing = CURRENT.get();
        CURRENT.set(this);
        return enclosing;
    }

    void leave(Worker<?, ?> enclosing) {
        if (bareLoop()) {
            return;
        }
        if (enclosing == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(enclosing);
        }
    }

    /** Whether its thread runs its loop alone: a run on virtual threads without a decorator (see {@link Growth}). */
    boolean bareLoop() {
        return body != null && launch == body;
    }

    /** The worker whose task runs on this thread, or null. */
    static Worker<?, ?> current() {
        if (Thread.currentThread().getUncaughtExceptionHandler() instanceof Worker<?, ?> bare) {
            return bare;
        }
        return CURRENT.get();
    }

    /**
     * What escapes a bare loop (see {@link #enter}) goes where it would without this handler: to the thread's
     * group, which hands it to the default handler or prints it.
     */
    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        thread.getThreadGroup().uncaughtException(thread, error);
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
}
