package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life cycle of one run, as one state that only moves forward (the way {@code ThreadPoolExecutor} keeps its
 * run state):
 *
 * <pre>
 *   RUNNING  -&gt; STOPPING  stop(reason): cancel(), an interrupt of the consumer, the failure policy, a failing
 *                         source, a lost worker, or close() with outcomes left. The source is closed for
 *                         admission, running tasks are interrupted; the consumer still drains what is in flight.
 *   RUNNING  -&gt; FINISHED  the consumer took the last outcome of a drained source.
 *   STOPPING -&gt; FINISHED  the consumer took the last outcome in flight, or close().
 *   FINISHED -&gt; CLOSED    close(): the source is closed, the run's threads are let go.
 * </pre>
 *
 * <p>Whoever makes a transition does what goes with it, exactly once: the winner of {@link #finish()} calls the
 * reporters' {@code onFinish}, the winner of {@link #close()} releases the resources. No transition takes a lock,
 * so that {@code cancel()} and {@code close()} never wait for a user callback that holds one.
 */
final class Lifecycle {

    static final int RUNNING = 0;
    static final int STOPPING = 1;
    static final int FINISHED = 2;
    static final int CLOSED = 3;
    private static final int PHASE = 3;
    /** The reason of an early stop rides in the bits above the phase, so that one CAS fixes both. */
    private static final int CANCELLED = 1 << 2;
    private static final int FAILED = 2 << 2;

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
        return (state.get() & PHASE) == CLOSED;
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

    /** The run as a whole failed: the consumer's loop ends with this error after the outcomes in flight. */
    void fail(ParallelizedException error) {
        recordFailure(error);
        stop(RunState.FAILED);
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

    /** RUNNING or STOPPING -&gt; FINISHED, fixing the end time; true for the one caller that made the move. */
    boolean finish() {
        return advance(FINISHED);
    }

    /** FINISHED -&gt; CLOSED; true for the one caller that made the move. */
    boolean close() {
        return advance(CLOSED);
    }

    private boolean advance(int phase) {
        while (true) {
            int now = state.get();
            if ((now & PHASE) >= phase) {
                return false;
            }
            if (state.compareAndSet(now, (now & ~PHASE) | phase)) {
                if (phase == FINISHED) {
                    endNanos = System.nanoTime();
                }
                return true;
            }
        }
    }

    /** True once stopped early (cancelled or failed), also after the run finished. */
    boolean wasStopped() {
        return (state.get() & ~PHASE) != 0;
    }

    RunState state() {
        int now = state.get();
        if ((now & ~PHASE) == FAILED) {
            return RunState.FAILED;
        }
        if ((now & ~PHASE) == CANCELLED) {
            return RunState.CANCELLED;
        }
        return (now & PHASE) >= FINISHED ? RunState.COMPLETED : RunState.RUNNING;
    }

    Duration elapsed() {
        long end = endNanos;
        return Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos);
    }
}
