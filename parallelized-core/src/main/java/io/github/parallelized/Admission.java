package io.github.parallelized;

import java.util.Iterator;
import java.util.LinkedList;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The source and the admission window: the first stop of an input. Workers pull inputs one at a time under the
 * read lock, only while fewer than {@code window} are admitted and not yet consumed. Each admitted input gets
 * its sequence number and must become exactly one outcome. Admission closes when the source is drained or has
 * failed, or when the run stops; an input read after that goes back to the unread rest ({@link #remaining()}).
 */
final class Admission<I> {

    /** Set in {@link #admitted} once nothing more is admitted; the count below it is then final. */
    private static final long CLOSED = 1L << 62;

    /**
     * Written once, after {@link #CLOSED}: the consumer polls this rarely written flag instead of the count that
     * the workers write per input, so that waiting costs them no cache-line transfers.
     */
    private volatile boolean closed;

    private final TaskSource<I> source;
    private final int window;
    private final Consumer<Throwable> onSourceFailure;
    /** Wakes the consumer once admission closes: its loop may be over. */
    private final Runnable onClose;
    /**
     * Held while the source is read (a user callback that may block), never by a stopping thread. A monitor: under
     * the workers' contention on trivial tasks it spins where a {@code ReentrantLock} parks (several times slower).
     */
    private final Object reading = new Object();
    /** The window-room handshake: held only by our code, briefly, never across a user callback. */
    private final Object room = new Object();
    /** How many inputs were admitted, plus {@link #CLOSED}; written under the read lock or to close it. */
    private final AtomicLong admitted = new AtomicLong();
    private final Consumed consumed = new Consumed();
    /** Inputs read but not admitted (the run stopped meanwhile), first in {@link #remaining()}; under the lock. */
    private final LinkedList<I> unadmitted = new LinkedList<>();
    /** The count up to which the window had room when the consumer's count was last read; under the lock. */
    private long limit;
    private boolean drained;

    Admission(TaskSource<I> source, int window, Consumer<Throwable> onSourceFailure, Runnable onClose) {
        this.source = source;
        this.window = window;
        this.onSourceFailure = onSourceFailure;
        this.onClose = onClose;
    }

    /**
     * Admits the next input into the worker, waiting for room in the window; false when admission is closed.
     *
     * @throws InterruptedException when the run interrupts a worker waiting for room
     */
    boolean pull(Worker<I, ?> worker) throws InterruptedException {
        synchronized (reading) {
            return admit(worker, true);
        }
    }

    /**
     * The consumer's pull when it helps: never waits for room. It is called only while no loop of the run has
     * begun, so no worker holds the read lock for long.
     */
    boolean pullWithoutWaiting(Worker<I, ?> worker) {
        synchronized (reading) {
            try {
                return admit(worker, false);
            } catch (InterruptedException e) {
                throw new AssertionError("a pull that does not wait is never interrupted", e);
            }
        }
    }

    private boolean admit(Worker<I, ?> worker, boolean mayWait) throws InterruptedException {
        long count = admitted.get();
        // the consumer's count is read only when the room known from the last read is used up
        while (count >= limit) {
            if ((count & CLOSED) != 0) {
                return false;
            }
            limit = consumed.value + window;
            if (count < limit) {
                break;
            }
            if (!mayWait) {
                return false;
            }
            awaitRoom();
            count = admitted.get();
        }
        if (drained) {
            return false;
        }
        I input;
        try {
            if (!source.iterator().hasNext()) {
                drained = true;
                close();
                return false;
            }
            input = source.iterator().next();
        } catch (Throwable e) {
            if ((admitted.get() & CLOSED) == 0) {
                drained = true;
                onSourceFailure.accept(e);
            }
            return false;
        }
        // fails only when the run stopped during the read: the input goes back to the unread rest
        if (!admitted.compareAndSet(count, count + 1)) {
            unadmitted.add(input);
            return false;
        }
        worker.input = input;
        worker.seq = count;
        return true;
    }

    private void awaitRoom() throws InterruptedException {
        synchronized (room) {
            // announce the wait before looking again, so that the consumer cannot miss it (both are volatile)
            consumed.waitingForRoom++;
            try {
                long count = admitted.get();
                if ((count & CLOSED) == 0 && count >= consumed.value + window) {
                    room.wait();
                }
            } finally {
                consumed.waitingForRoom--;
            }
        }
    }

    /** The consumer took one more outcome: room for one more input. Called by the consumer alone. */
    void consumedOne() {
        Consumed count = consumed;
        count.value = count.value + 1;
        if (count.waitingForRoom > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /** Admits nothing more, without the read lock; returns the final number of admitted inputs. */
    long close() {
        long before = admitted.getAndUpdate(n -> n | CLOSED);
        if ((before & CLOSED) == 0) {
            closed = true;
            synchronized (room) {
                room.notifyAll();
            }
            onClose.run();
        }
        return before & ~CLOSED;
    }

    /** The final number of admitted inputs once admission is closed, else -1. */
    long finalCount() {
        if (!closed) {
            return -1;
        }
        return admitted.get() & ~CLOSED;
    }

    /** The source's unread rest, read on the caller's thread under the read lock. */
    Iterator<I> remaining() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                synchronized (reading) {
                    if (!unadmitted.isEmpty()) {
                        return true;
                    }
                    if (drained || !source.iterator().hasNext()) {
                        drained = true;
                        return false;
                    }
                    unadmitted.add(source.iterator().next());
                    return true;
                }
            }

            @Override
            public I next() {
                synchronized (reading) {
                    if (!hasNext()) {
                        throw new NoSuchElementException("the source has no more inputs");
                    }
                    return unadmitted.removeFirst();
                }
            }
        };
    }

    /**
     * How many outcomes the consumer took: written by the consumer alone, padded off other hot fields (the JVM
     * orders fields by size, so the padding is on both sides), read by the workers only when their room is used.
     */
    static final class Consumed {
        long p1;
        long p2;
        long p3;
        long p4;
        long p5;
        long p6;
        long p7;
        volatile long value;
        /** A worker waiting for room (at most the one holding the read lock); written under the room lock. */
        volatile int waitingForRoom;
        long q1;
        long q2;
        long q3;
        long q4;
        long q5;
        long q6;
        long q7;
    }
}
