package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The onFinish calls of a run's reporters that are not of this library, made so that the run's end (the consumer's
 * last {@code hasNext()}, {@code close()}) never waits for ever for one: on a thread of the reporters' pool ({@link
 * Timer#report}), one after another in their order, while the finishing thread waits for them at most {@link
 * #waitNanos}. A call that has not returned by then is named in a warning and left to run: the finishing thread goes
 * on, and the reporters after it hear of the end once it returns (none is skipped). With no pool thread to be had
 * (the JVM is out of threads), the calls are made on the finishing thread, as before.
 *
 * <p>Thread-safe: the pool thread publishes the call under way in volatiles, and the end of the calls under this
 * object's monitor, on which the finishing thread waits.
 */
final class FinishCalls implements Runnable {

    /** How long the finishing thread waits for the calls (tests shorten it). */
    static volatile long waitNanos = TimeUnit.SECONDS.toNanos(10);

    private final Reporters reporters;
    private final int from;
    private final ProgressSnapshot snapshot;
    private final Summary summary;
    /** The index of the reporter whose onFinish is under way. */
    private volatile int current;
    /** The thread that makes the calls, for the warning (a thread dump shows where it is stuck). */
    private volatile Thread caller;
    /** Guarded by this. */
    private boolean done;

    FinishCalls(Reporters reporters, int from, ProgressSnapshot snapshot, Summary summary) {
        this.reporters = reporters;
        this.from = from;
        this.snapshot = snapshot;
        this.summary = summary;
        this.current = from;
    }

    @Override
    public void run() {
        caller = Thread.currentThread();
        try {
            for (int i = from; i < reporters.size(); i++) {
                current = i;
                reporters.finishOne(i, snapshot, summary);
            }
        } finally {
            synchronized (this) {
                done = true;
                notifyAll();
            }
        }
    }

    /**
     * Makes the calls on a pool thread and waits for them at most {@link #waitNanos}. An interrupt of the waiting
     * thread neither cuts the wait short (a stopped run's consumer may carry one here, and its reporters must still
     * hear of the end before its close() returns) nor is lost: the flag is set again.
     */
    void callAndWait() {
        try {
            Timer.report(this);
        } catch (Throwable e) {
            run(); // no thread to be had: the calls are made here
            return;
        }
        long wait = waitNanos;
        long deadline = System.nanoTime() + wait;
        boolean interrupted = false;
        boolean returned;
        synchronized (this) {
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            returned = done;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!returned) {
            int stuck = current;
            int after = reporters.size() - 1 - stuck;
            Thread thread = caller;
            Reporters.log().warn("progress reporter {} has not returned from onFinish of run {} within {}: the run "
                    + "ends without waiting for it any longer (it runs on, on thread {}{})", reporters.nameOf(stuck),
                    reporters.runId(), Durations.format(Duration.ofNanos(wait)),
                    thread != null ? thread.getName() : "(none yet)",
                    after > 0 ? "; the " + after + " reporter(s) after it hear of the end once it returns" : "");
        }
    }
}
