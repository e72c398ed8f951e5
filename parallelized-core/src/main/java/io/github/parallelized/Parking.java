package io.github.parallelized;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * The inputs of a blocking run parked off the workers (see {@link Tasks}): waiting for their limit's permits, or
 * out a retry's delay, in {@link Throttled}. A worker takes the ready ones before new inputs from the source, and
 * a worker about to wait for room in the window goes to take them instead; no worker leaves while inputs are
 * parked, and with nothing else to do it sleeps until the next is due. At a stop they come out cancelled, with the
 * attempts that ran.
 */
final class Parking<I> {

    /** The longest a worker with only parked inputs to wait for sleeps before it looks again by itself. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Throttled<Parked<I>> parked;
    private final Admission<I> admission;
    private final Lifecycle lifecycle;
    private final Counters counters;

    Parking(Room room, Admission<I> admission, Lifecycle lifecycle, Counters counters) {
        this.parked = new Throttled<>(room::nudge);
        this.admission = admission;
        this.lifecycle = lifecycle;
        this.counters = counters;
        room.readyElsewhere(() -> !parked.isEmpty() && parked.nanosUntilNext(System.nanoTime()) == 0);
    }

    /** An input parked off the workers: what its next attempt needs. */
    record Parked<I>(I input, long seq, RunLimits<I>.Slot slot, int attempts, long begin, Throwable lastError) {
    }

    /** Parks the input until {@code dueNanos} (of {@link System#nanoTime()}): a rate's permit, a retry's delay. */
    void until(Parked<I> input, long dueNanos) {
        parked.parkUntil(input, dueNanos);
    }

    /** Parks the input until its limit gives back a permit after the {@code seen} releases. */
    void forRelease(Parked<I> input, TaskLimit limit, long seen) {
        parked.parkForRelease(input, limit, seen);
    }

    /** A parked input that is ready now, or null. */
    Parked<I> ready() {
        return parked.isEmpty() ? null : parked.poll(System.nanoTime());
    }

    /**
     * A worker found no input to admit: true while inputs are parked (it waits, bounded, for the next to be ready,
     * and must not leave), false when it may leave.
     */
    boolean await() {
        if (!lifecycle.isRunning() || parked.size() == 0 && admission.isClosed()) {
            return false;
        }
        parked.awaitReady(System.nanoTime(), RECHECK_NANOS);
        return true;
    }

    /** The parked inputs, taken out, once the run stopped; none while it runs. */
    List<Parked<I>> drainIfStopped() {
        return lifecycle.isRunning() ? List.of() : parked.drain();
    }

    /** A parked input of a stopped run: cancelled, with its attempts and its last error as the cause. */
    <R> Outcome<I, R> stopped(Worker<I, R> worker, Parked<I> left) {
        if (left.slot() != null) {
            left.slot().close();
        }
        if (left.attempts() == 0) {
            return counters.cancelledBeforeStart(left.input());
        }
        CancellationException cancelled = new CancellationException("cancelled while running");
        if (left.lastError() != null) {
            cancelled.initCause(left.lastError());
        }
        worker.counts.increment(WorkerCounts.CANCELLED);
        return new Outcome<>(left.input(), null, cancelled, left.attempts(),
                Duration.ofNanos(System.nanoTime() - left.begin()));
    }
}
