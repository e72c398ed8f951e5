package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One input of an asynchronous run, from its admission to its outcome (see {@link AsyncTasks}). Its state is one
 * int, moved by CAS: {@link #WAITING} (not started, or between attempts), the number of its attempt in flight,
 * {@link #ENDING} (one thread decides its retry or its outcome), {@link #ENDED}. Whoever moves an attempt out of
 * flight owns what comes next, so each attempt ends once, and each input has one outcome whatever races between its
 * stage, its timeout and a stop. It is also the task's resubmission counter ({@link
 * Parallelized#resubmissionCounter()}): run, it counts one, so a task that asks for the counter costs no allocation.
 */
final class AsyncAttempt<I, R> implements Runnable {

    /** The attempt whose {@code apply} runs on this thread: where {@link Parallelized#countResubmission()} counts. */
    static final ThreadLocal<AsyncAttempt<?, ?>> STARTING = new ThreadLocal<>();

    static final int WAITING = 0;
    static final int ENDING = -1;
    static final int ENDED = -2;

    private static final VarHandle STATE =
            VarHandles.field(MethodHandles.lookup(), AsyncAttempt.class, "state", int.class);
    private static final VarHandle RESUBMITTED =
            VarHandles.field(MethodHandles.lookup(), AsyncAttempt.class, "resubmitted", int.class);

    final I input;
    final long seq;
    final long begin;
    /** Attempts started; written by the loop that starts one, read by whoever ends it (after the state's CAS). */
    int attempts;
    /** The error of the last attempt, while a retry waits. */
    Throwable lastError;
    /** Parked for its permits without a place among the tasks in flight; under this attempt's monitor. */
    boolean placeless;
    /**
     * Its limits' permits, or null: taken before each attempt, given back when the attempt ends, closed with the
     * outcome; used under this attempt's monitor (a stop may end it while a loop starts it).
     */
    RunLimits<I>.Slot slot;
    volatile int state;
    volatile int resubmitted;
    volatile CompletionStage<?> stage;
    volatile ScheduledFuture<?> timer;
    /** The last stage that completed by itself (of this attempt or an earlier one): it needs no cancel. */
    volatile CompletionStage<?> completed;
    /** Its neighbours in its stripe of {@link AsyncAttempts} while it is linked there; under that stripe's lock. */
    AsyncAttempt<?, ?> previous;
    AsyncAttempt<?, ?> next;
    /** Linked in {@link AsyncAttempts}; under its stripe's lock. */
    boolean listed;

    AsyncAttempt(I input, long seq, long begin) {
        this.input = input;
        this.seq = seq;
        this.begin = begin;
    }

    boolean move(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /** The resubmission counter handed to the task: counts one. */
    @Override
    public void run() {
        countResubmission();
    }

    /** Counts one resubmission while the attempt is not ended (a late count would not reach the outcome). */
    void countResubmission() {
        if (state != ENDED) {
            RESUBMITTED.getAndAdd(this, 1);
        }
    }

    /**
     * Stops what the attempt still has going: its timer, and, when it timed out, its stage's future (which may
     * refuse), here: a timed-out attempt ends on an offload thread already, and its outcome follows the cancel.
     */
    void stopWork(boolean timedOut) {
        ScheduledFuture<?> pendingTimer = timer;
        if (pendingTimer != null) {
            pendingTimer.cancel(false);
        }
        CompletionStage<?> started = stage;
        if (timedOut && started != null && started != completed) {
            Stages.cancelNow(started);
        }
    }
}
