package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The outcome hand-off from the workers to the one consumer. Each of the first {@link #OUTBOXES} workers publishes
 * into an {@link Outbox} of its own (a single-producer buffer: a plain store and one volatile count per outcome,
 * no allocation and no write that another worker contends for); the others, and outcomes delivered off a worker
 * (a timeout's), go through one shared lock-free queue. The consumer takes from an outbox everything published
 * there when it looked, as a batch, then goes round the others, so an outcome is there for it the moment its task
 * ended and a busy worker cannot starve the others.
 *
 * <p>Waiting: the consumer first spins a little (waking a parked consumer costs the worker a system call), then
 * announces that it parks, looks a last time, and parks. A worker looks at the announcement after its volatile
 * publication and takes it back (one compare-and-set) before it unparks, so one wake-up serves one park however
 * many outcomes follow. Either the consumer sees the outcome or the worker sees the announcement: both sides
 * write, then read, volatile fields.
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
    /**
     * Workers with an outbox of their own; the consumer looks at every outbox when it has nothing, so runs of more
     * threads (whose tasks are not trivial, or they would not need them) share the queue beyond these.
     */
    static final int OUTBOXES = 64;

    private static final VarHandle WAITING =
            VarHandles.field(MethodHandles.lookup(), Handoff.class, "consumerWaiting", int.class);

    private final Outbox[] outboxes;
    /** Made with the first outcome it takes, if any (its class costs a cold start()): null until then. */
    private volatile ConcurrentLinkedQueue<Object> shared;
    private volatile Thread consumer;
    /**
     * 1 while the consumer parks, else 0: an int, not a boolean, as JDK 17's class data archive holds the int var
     * handle's classes (a boolean one loads its own, half a millisecond of a cold start()).
     */
    @SuppressWarnings("unused") // through WAITING as well
    private volatile int consumerWaiting;
    /** The consumer's alone, in an object of its own: the workers read this one's fields per outcome. */
    private final Taking taking = new Taking();

    Handoff(int workers) {
        this.outboxes = new Outbox[Math.min(workers, OUTBOXES)];
        for (int i = 0; i < outboxes.length; i++) {
            outboxes[i] = new Outbox();
        }
    }

    /** The outbox of the worker with this index, or null when it publishes through the shared queue. */
    Outbox outbox(int worker) {
        return worker < outboxes.length ? outboxes[worker] : null;
    }

    /** Called by the thread running a worker with its outbox (or null), or by the timeout thread with null. */
    void publish(Outbox outbox, Object outcome) {
        if (outbox != null) {
            outbox.publish(outcome); // a volatile store: ordered before the read below
        } else {
            sharedQueue().offer(outcome);
        }
        if (consumerWaiting != 0 && WAITING.compareAndSet(this, 1, 0)) {
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

    /** The next outcome, or null when none is published now. For the consumer alone. */
    Object poll() {
        Taking at = taking;
        if (at.batchLeft > 0) {
            at.batchLeft--;
            return at.current.take();
        }
        if (at.sharedFirst) {
            Object next = shared.poll(); // not null: an outcome came from it
            if (next != null) {
                return next;
            }
            at.sharedFirst = false;
        }
        Outbox[] all = outboxes;
        for (int i = 0; i < all.length; i++) {
            Outbox box = all[at.nextBox];
            at.nextBox = at.nextBox + 1 == all.length ? 0 : at.nextBox + 1;
            long available = box.available();
            if (available > 0) {
                at.current = box;
                at.batchLeft = available - 1;
                return box.take();
            }
        }
        ConcurrentLinkedQueue<Object> queue = shared;
        Object next = queue == null ? null : queue.poll();
        at.sharedFirst = next != null;
        return next;
    }

    private ConcurrentLinkedQueue<Object> sharedQueue() {
        ConcurrentLinkedQueue<Object> queue = shared;
        if (queue == null) {
            synchronized (outboxes) {
                queue = shared;
                if (queue == null) {
                    queue = new ConcurrentLinkedQueue<>();
                    shared = queue;
                }
            }
        }
        return queue;
    }

    /** True when nothing is published and not yet taken. For the consumer alone. */
    boolean isEmpty() {
        ConcurrentLinkedQueue<Object> queue = shared;
        if (taking.batchLeft > 0 || queue != null && !queue.isEmpty()) {
            return false;
        }
        for (Outbox box : outboxes) {
            if (box.available() > 0) {
                return false;
            }
        }
        return true;
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
        consumerWaiting = 1;
        Object next = poll();
        if (next == null) {
            LockSupport.parkNanos(blocker, MAX_PARK_NANOS);
        }
        consumerWaiting = 0;
        return next;
    }

    /**
     * Where the consumer takes from: the outbox of its current batch, how many are left of it, where it looks
     * next. Written per outcome, so padded off the fields the workers read.
     */
    static final class Taking extends CacheLinePadding {
        Outbox current;
        long batchLeft;
        int nextBox;
        /**
         * The last outcome came from the shared queue: look there first, while it has more. A run on 10,000 virtual
         * threads publishes nearly all its outcomes there, and scanning the 64 outboxes before each cost the consumer
         * 64 reads per outcome.
         */
        boolean sharedFirst;
        long q01;
        long q02;
        long q03;
        long q04;
        long q05;
        long q06;
        long q07;
    }

    /** The producer's side: written by the thread running the worker (one at a time, ordered by its hand-overs). */
    abstract static class ProducerSide extends CacheLinePadding {
        static final int CHUNK = 128;
        Object[] tail = new Object[CHUNK + 1];
        int tailIndex;
        /** How many outcomes were published: the one field both sides touch. */
        volatile long published;
    }

    /** Fields between the producer's and the consumer's side (a subclass's fields are laid out after these). */
    abstract static class PadBetween extends ProducerSide {
        long q01;
        long q02;
        long q03;
        long q04;
        long q05;
        long q06;
        long q07;
    }

    /**
     * One worker's outcomes on their way to the consumer: an unbounded single-producer, single-consumer queue of
     * linked chunks (the admission window bounds what it holds), one allocation per {@link ProducerSide#CHUNK}
     * outcomes. The last slot of a chunk links the next, written before the count that publishes past it. The
     * consumer clears taken slots sixteen at a time, well behind the producer; a used chunk goes as a whole.
     */
    static final class Outbox extends PadBetween {
        private Object[] head = tail;
        private int headIndex;
        private long taken;

        void publish(Object outcome) {
            if (tailIndex == CHUNK) {
                Object[] next = new Object[CHUNK + 1];
                tail[CHUNK] = next;
                tail = next;
                tailIndex = 0;
            }
            tail[tailIndex++] = outcome;
            published = published + 1; // single writer: the volatile store publishes the slot (and a new link)
        }

        /** How many outcomes the consumer may take now. */
        long available() {
            return published - taken;
        }

        /** The next outcome; only after {@link #available()} said there is one. */
        Object take() {
            if (headIndex == CHUNK) {
                head = (Object[]) head[CHUNK];
                headIndex = 0;
            }
            Object outcome = head[headIndex];
            if ((headIndex & 15) == 15 && headIndex >= 31) {
                // let taken outcomes go, two cache lines behind: clearing the slot just taken would write to the
                // line the producer is writing, and cost both sides a transfer per outcome
                Arrays.fill(head, headIndex - 31, headIndex - 15, null);
            }
            headIndex++;
            taken++;
            return outcome;
        }
    }
}
