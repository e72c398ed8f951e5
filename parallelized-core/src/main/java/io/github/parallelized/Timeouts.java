package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What the timeout thread does when a blocking attempt's time is up: it abandons the attempt's thread (interrupted,
 * left to finish on its own) and hands the input, its attempts and a {@link TimeoutException} to a replacement loop
 * of the same worker, so the outcome (or its retry) goes on at the deadline whatever the task does. When no
 * replacement can start, the timed-out outcome is delivered from the timeout thread itself.
 */
final class Timeouts<I, R> {

    private final Duration timeout;
    private final Counters counters;
    private final Delivery<I, R> delivery;

    Timeouts(Duration timeout, Counters counters, Delivery<I, R> delivery) {
        this.timeout = timeout;
        this.counters = counters;
        this.delivery = delivery;
    }

    /** On the timeout thread: attempt {@code id} of the worker is out of time (unless it ended meanwhile). */
    void passed(Worker<I, R> worker, long id) {
        WorkerThread.Handover<I> handover = worker.thread.abandon(id,
                new TimeoutException("task timed out after " + Durations.format(timeout)));
        if (handover != null && !worker.loops.replace(worker) && worker.thread.withdraw(handover)) {
            deliverOrphan(handover);
            worker.loops.exited(worker);
        }
    }

    /** The timeout could not be handed to a replacement: its outcome is delivered from the timeout thread. */
    private void deliverOrphan(WorkerThread.Handover<I> timedOut) {
        if (timedOut.slot() != null) {
            ((RunLimits<?>.Slot) timedOut.slot()).close();
        }
        Outcome<I, R> outcome = new Outcome<>(timedOut.input(), null, timedOut.error(), timedOut.attempts(),
                Duration.ofNanos(System.nanoTime() - timedOut.beginNanos()));
        counters.failedOutsideTask();
        delivery.deliver(null, timedOut.seq(), outcome);
    }
}
