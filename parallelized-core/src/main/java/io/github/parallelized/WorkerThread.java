package io.github.parallelized;

/**
 * Which thread runs one worker's loop now, and the attempt a timeout may take from it: set when a loop body is
 * entered, cleared when it leaves, taken over by the consumer when it helps, and abandoned by a timeout (the thread
 * is interrupted and left to finish on its own; a replacement loop resumes the {@link Handover}).
 *
 * <p>Every field is guarded by this object's monitor, which our code holds only briefly and never across a user
 * callback, so that a stopping thread may take it.
 */
final class WorkerThread<I> {

    /** The thread in the body of this loop, null between slices. */
    private Thread thread;
    /** How often a body began: tells a launch whether its decorator let the body run. */
    private long entries;
    /** The attempt now running (bumped again at its end, so a late timeout cannot hit the next). */
    private long attempt;
    private long abandoned;
    /** What the running attempt with a timeout would hand over; null between such attempts. */
    private Handover<I> running;
    /** Set when its loop left for good (admission closed, the run stopped): a body run again returns at once. */
    private boolean gone;
    /** What a timeout handed over, for the replacement loop to resume. */
    private Handover<I> handover;

    /** The attempt that a timeout may hand over: the input, its place, which attempt, since when, its limits. */
    record Handover<I>(I input, long seq, int attempts, long beginNanos, Throwable error, Object slot) {
    }

    /**
     * What {@link #enter} returns to a body run again after its loop left for good (a decorator that runs it twice):
     * that body returns at once, its loop counted as gone once.
     */
    static final Handover<?> GONE = new Handover<>(null, -1, 0, 0, null, null);

    /**
     * A loop body begins on {@code current}: returns what a timeout handed over for it to resume, null, or
     * {@link #GONE} when its loop left for good.
     */
    @SuppressWarnings("unchecked")
    synchronized Handover<I> enter(Thread current) {
        if (gone) {
            return (Handover<I>) GONE;
        }
        thread = current;
        entries++;
        Handover<I> resumed = handover;
        handover = null;
        return resumed;
    }

    /**
     * A loop body on {@code current} ends, for good when {@code forGood} (counted once as gone, whatever a decorator
     * does with the body afterwards): false when its attempt was abandoned (not this thread's exit).
     */
    synchronized boolean exit(Thread current, boolean forGood) {
        if (thread != current) {
            return false;
        }
        thread = null;
        gone = forGood;
        return true;
    }

    synchronized long entries() {
        return entries;
    }

    /** The consumer runs this worker's tasks for a while (see {@link Crew#help}): false while a loop runs them. */
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
    synchronized long beginAttempt(I input, long seq, int number, long begin, Object slot) {
        running = new Handover<>(input, seq, number, begin, null, slot);
        return ++attempt;
    }

    /**
     * After the attempt: false when it timed out and was handed over (this thread must leave). An abandoned thread
     * that returns late touches nothing: the attempt may be its replacement's by now (clearing it lost the input of
     * a timed-out retry: its outcome came with a null input).
     */
    synchronized boolean endAttempt(long id) {
        if (attempt != id || abandoned == id) {
            return false;
        }
        running = null;
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
        Handover<I> was = running;
        handover = new Handover<>(was.input(), was.seq(), was.attempts(), was.beginNanos(), timeout, was.slot());
        running = null;
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
