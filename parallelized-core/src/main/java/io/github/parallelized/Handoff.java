package io.github.parallelized;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The outcome hand-off from the workers to the one consumer, in batches. Each worker writes its outcomes into
 * its own {@link Outbox} (a single-producer buffer: no shared queue, no CAS per outcome) and puts the outbox on
 * the shared {@link #ready} queue only when it was not there already; the consumer takes an outbox off that queue
 * and drains what it holds as one batch. An outcome is visible to the consumer the moment its task ends (it is
 * never held back for a batch to fill), so a slow task delays nobody else's outcome. The park/unpark handshake:
 * the consumer first spins a little (waking a parked consumer costs the worker a system call), then announces
 * that it parks, looks at the queue a last time, and parks; a worker that queues its outbox looks at the
 * announcement after the offer. Both sides use volatile accesses, so either the consumer sees the outcome or the
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
    /** Slots per chunk of an outbox: one allocation per this many outcomes, small for runs of many workers. */
    static final int CHUNK = 64;

    /** Outboxes with outcomes the consumer has not taken, and single outcomes delivered outside a worker loop. */
    private final ConcurrentLinkedQueue<Object> ready = new ConcurrentLinkedQueue<>();
    private volatile Thread consumer;
    private volatile boolean consumerWaiting;
    /** The consumer's side: the outbox it drains now and the count its batch ends at. */
    private Outbox draining;
    private long batchEnd;

    /** A new worker's outbox. */
    Outbox outbox() {
        return new Outbox(this);
    }

    /** An outcome delivered outside a worker loop (the timeout thread's, when no replacement could start). */
    void publish(Object outcome) {
        ready.offer(outcome);
        signal();
    }

    private void signal() {
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

    /**
     * The next outcome, or null when none is there; the consumer's alone. It drains one outbox up to the count
     * seen when it took it, then puts the outbox back at the end of the queue if more came meanwhile, so that a
     * busy worker's outcomes cannot hold back the others'.
     */
    Object poll() {
        while (true) {
            Outbox box = draining;
            if (box != null) {
                if (box.taken < batchEnd) {
                    return box.take();
                }
                draining = null;
                if (box.published > box.taken) {
                    ready.offer(box); // still scheduled: its worker will not queue it again
                } else {
                    box.scheduled = false;
                    // the worker may have published before it saw the flag cleared (both volatile): look again
                    if (box.published > box.taken) {
                        ready.offer(box);
                    }
                }
            }
            Object item = ready.poll();
            if (!(item instanceof Outbox next)) {
                return item;
            }
            draining = next;
            batchEnd = next.published;
        }
    }

    boolean isEmpty() {
        Outbox box = draining;
        return (box == null || box.published == box.taken) && ready.isEmpty();
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
            next = poll();
        }
        return next;
    }

    /** Parks until an outcome may be there or {@link #wake()}; never longer than {@link #MAX_PARK_NANOS}. */
    Object park(Object blocker) {
        consumerWaiting = true;
        Object next = poll();
        if (next == null) {
            LockSupport.parkNanos(blocker, MAX_PARK_NANOS);
        }
        consumerWaiting = false;
        return next;
    }

    /**
     * One worker's outcomes on their way to the consumer: an unbounded single-producer, single-consumer buffer of
     * linked chunks (the window bounds how many outcomes it holds). Its producer is whichever thread runs the
     * worker's loop at the time: one at a time, handed on under the worker's monitor or by the executor, so the
     * producer's fields need no synchronization of their own. Padded: workers' outboxes are allocated side by
     * side, and each one's counts are written per outcome.
     */
    static final class Outbox {
        long p1;
        long p2;
        long p3;
        long p4;
        long p5;
        long p6;
        long p7;
        /** How many outcomes the producer wrote: a volatile store that publishes the slot written before it. */
        volatile long published;
        /** True while this outbox is queued or drained: its producer then does not queue it again. */
        volatile boolean scheduled;
        /** The producer's side. */
        private Object[] tail = new Object[CHUNK + 1];
        private int tailIndex;
        /** The consumer's side: the next slot to read, and how many were taken. */
        private Object[] head = tail;
        private int headIndex;
        long taken;
        private final Handoff handoff;
        long q1;
        long q2;
        long q3;
        long q4;
        long q5;
        long q6;
        long q7;

        Outbox(Handoff handoff) {
            this.handoff = handoff;
        }

        /** Hands an outcome over at once (the producer's alone). */
        void publish(Object outcome) {
            if (tailIndex == CHUNK) {
                Object[] next = new Object[CHUNK + 1];
                tail[CHUNK] = next; // the link, in the chunk's last slot
                tail = next;
                tailIndex = 0;
            }
            tail[tailIndex++] = outcome;
            published = published + 1; // one writer; the volatile store also orders it before the flag's read
            if (!scheduled) {
                scheduled = true;
                handoff.ready.offer(this);
                handoff.signal();
            }
        }

        /** The next outcome; called only while {@code taken < published} (the consumer's alone). */
        private Object take() {
            if (headIndex == CHUNK) {
                head = (Object[]) head[CHUNK];
                headIndex = 0;
            }
            Object outcome = head[headIndex];
            head[headIndex++] = null;
            taken++;
            return outcome;
        }
    }
}
