package io.github.parallelized;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The outcome hand-off from the workers to the one consumer: a lock-free queue, and the park/unpark handshake.
 * The consumer first spins a little (waking a parked consumer costs the worker a system call per outcome), then
 * announces that it parks, looks at the queue a last time, and parks; a worker that publishes looks at the
 * announcement after its offer. Both sides use volatile accesses, so either the consumer sees the outcome or the
 * worker sees the announcement and unparks it.
 */
final class Handoff {

    /**
     * How often the consumer yields and looks again before it parks: adapted between these bounds, doubled when
     * an outcome came while spinning, halved when the consumer had to park (long tasks waste no CPU on spinning,
     * short ones never pay for a park and its unpark).
     */
    static final int MIN_SPINS = 8;
    static final int MAX_SPINS = 256;
    /** The longest park: the consumer then looks after the run's health (lost or unsubmitted worker loops). */
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread consumer;
    private volatile boolean consumerWaiting;

    /** Called by a worker (or the timeout thread) with each outcome. */
    void publish(Object outcome) {
        queue.offer(outcome);
        if (consumerWaiting) {
            LockSupport.unpark(consumer);
        }
    }

    /** Wakes the consumer whatever it waits for: the run stopped, or a worker left. */
    void wake() {
        Thread waiting = consumer;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** The consumer names itself before it takes; a volatile write per outcome would cost a full fence. */
    void consumeOn(Thread current) {
        if (consumer != current) {
            consumer = current;
        }
    }

    Object poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Spins for the next outcome, yielding up to {@code budget} times; null when none came. The budget is kept by
     * the caller, off this object's fields that the workers read per outcome, so that adapting it costs them no
     * cache miss.
     */
    Object spin(int budget) {
        Object next = null;
        for (int spin = 0; spin < budget && next == null; spin++) {
            Thread.yield();
            next = queue.poll();
        }
        return next;
    }

    /** Parks until an outcome may be there or {@link #wake()}; never longer than {@link #MAX_PARK_NANOS}. */
    Object park(Object blocker) {
        consumerWaiting = true;
        Object next = queue.poll();
        if (next == null) {
            LockSupport.parkNanos(blocker, MAX_PARK_NANOS);
        }
        consumerWaiting = false;
        return next;
    }
}
