package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life cycle of one run, as one state that only moves forward (the way {@code ThreadPoolExecutor} keeps its
 * run state):
 *
 * <pre>
 *   RUNNING   -&gt; STOPPING   stop(reason): cancel(), an interrupt of the consumer, the failure policy, a failing
 *                           source, a lost worker, or close() with outcomes left. The source is closed for
 *                           admission, running tasks are interrupted; the consumer still drains what is in flight.
 *   RUNNING   -&gt; FINISHING  the consumer took the last outcome of a drained source.
 *   STOPPING  -&gt; FINISHING  the consumer took the last outcome in flight, or close().
 *   FINISHING -&gt; FINISHED   the work that decides how the run ended is done (a checkpoint's last write): a
 *                           failure found meanwhile ({@link #fail}) ends it FAILED, unless it had stopped before.
 *   then CLOSED             close(), once the finish began (another thread may still be finishing): the source is
 *                           closed, the run's threads are let go.
 * </pre>
 *
 * <p>Whoever makes a transition does what goes with it, exactly once: the winner of {@link #beginFinish()} decides
 * the end ({@link #finished()}) and calls the reporters' {@code onFinish}, the winner of {@link #close()} releases
 * the resources. No transition takes a lock, so that {@code cancel()} and {@code close()} never wait for a user
 * callback that holds one. Until FINISHED the state reads as RUNNING, unless stopped: nothing reads as COMPLETED
 * before the finish's work is done.
 */
final class Lifecycle {

    static final int RUNNING = 0;
    static final int STOPPING = 1;
    static final int FINISHING = 2;
    static final int FINISHED = 3;
    private static final int PHASE = 3;
    /** Set by close(): a bit of its own, as a close may come while another thread still finishes the run. */
    private static final int CLOSED = 1 << 2;
    /** The reason of an early stop rides in the bits above the phase, so that one CAS fixes both. */
    private static final int CANCELLED = 1 << 3;
    private static final int FAILED = 2 << 3;
    private static final int REASON = CANCELLED | FAILED;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** When start() was called: the run's clock counts from then. */
    private final long startNanos;
    /** The first error that ended the run, reported by the consumer's loop at its end. */
    private volatile ParallelizedException failure;
    private volatile long endNanos;

    Lifecycle(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Tasks may run and inputs may be admitted: one volatile read, on the workers' hot path. */
    boolean isRunning() {
        return state.get() == RUNNING;
    }

    /**
     * After a task function returned on this thread: an interrupt the task left on its own thread is cleared, so
     * that the next input on that thread does not begin interrupted; a stop's interrupt stays (the stop sets the
     * state before it interrupts, so it is seen here).
     */
    void keepOnlyAStopsInterrupt() {
        Thread current = Thread.currentThread();
        // asked before it is cleared: clearing is a call per task, and takes a virtual thread's interrupt lock
        if (current.isInterrupted() && Thread.interrupted() && !isRunning()) {
            current.interrupt();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * What a stop does besides moving the state: set once by the run that holds this life cycle, before its loops
     * start (the start publishes it to them). The parts that stop a run know this life cycle, not the run. Null
     * until then.
     */
    private Runnable stopActions;

    void onStop(Runnable actions) {
        this.stopActions = actions;
    }

    /**
     * RUNNING -&gt; STOPPING; the one caller that made the move runs the stop's actions (see {@link #onStop}) and
     * gets true. Takes no lock of a callback.
     */
    boolean stop(RunState reason) {
        int bits = STOPPING | (reason == RunState.FAILED ? FAILED : CANCELLED);
        if (state.get() == RUNNING && state.compareAndSet(RUNNING, bits)) {
            Runnable actions = stopActions;
            if (actions != null) {
                actions.run();
            }
            return true;
        }
        return false;
    }

    /**
     * The run as a whole failed: the consumer's loop ends with this error after the outcomes in flight. While the run
     * finishes (a checkpoint's last write failed), it ends FAILED, unless it had stopped for a reason before.
     */
    void fail(ParallelizedException error) {
        recordFailure(error);
        if (stop(RunState.FAILED)) {
            return;
        }
        while (true) {
            int now = state.get();
            if ((now & PHASE) != FINISHING || (now & REASON) != 0 || state.compareAndSet(now, now | FAILED)) {
                return;
            }
        }
    }

    /** Keeps the first failure, whatever state the run is in. */
    void recordFailure(ParallelizedException error) {
        if (failure == null) {
            failure = error;
        }
    }

    ParallelizedException failure() {
        return failure;
    }

    /**
     * RUNNING or STOPPING -&gt; FINISHING; true for the one caller that made the move, which then does the finish's
     * work and calls {@link #finished()}.
     */
    boolean beginFinish() {
        while (true) {
            int now = state.get();
            if ((now & PHASE) >= FINISHING) {
                return false;
            }
            if (state.compareAndSet(now, (now & ~PHASE) | FINISHING)) {
                return true;
            }
        }
    }

    /** FINISHING -&gt; FINISHED, fixing the end time: how the run ended is decided. Called by the finish's winner. */
    void finished() {
        endNanos = System.nanoTime();
        while (true) {
            int now = state.get();
            if ((now & PHASE) == FINISHED || state.compareAndSet(now, (now & ~PHASE) | FINISHED)) {
                return;
            }
        }
    }

    /** Marks the run closed, once its finish began; true for the one caller that did. */
    boolean close() {
        while (true) {
            int now = state.get();
            if ((now & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(now, now | CLOSED)) {
                return true;
            }
        }
    }

    /** True once stopped early (cancelled or failed), also after the run finished. */
    boolean wasStopped() {
        return (state.get() & REASON) != 0;
    }

    RunState state() {
        int now = state.get();
        if ((now & REASON) == FAILED) {
            return RunState.FAILED;
        }
        if ((now & REASON) == CANCELLED) {
            return RunState.CANCELLED;
        }
        return (now & PHASE) == FINISHED ? RunState.COMPLETED : RunState.RUNNING;
    }

    Duration elapsed() {
        long end = endNanos;
        return Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos);
    }
}
