package io.github.parallelized;

import java.util.Iterator;
import java.util.LinkedList;
import java.util.NoSuchElementException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The source and the admission window: the first stop of an input. Workers pull inputs one at a time under the
 * read lock, only while fewer than {@code window} are admitted and not yet consumed. Each admitted input gets
 * its sequence number and must become exactly one outcome. Admission closes when the source is drained or has
 * failed, or when the run stops; an input read after that goes back to the unread rest ({@link #remaining()}).
 */
final class Admission<I> {

    /** Set in the admitted count once nothing more is admitted; the count below it is then final. */
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
    /** The workers' side: the admitted count, the known room, the drained flag; written per input. */
    private final Cursor cursor = new Cursor();
    private final Consumed consumed = new Consumed();
    /** Inputs read but not admitted (the run stopped meanwhile), first in {@link #remaining()}; under the lock. */
    private final LinkedList<I> unadmitted = new LinkedList<>();

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
        while (true) {
            int admitted;
            synchronized (reading) {
                admitted = admit(worker);
            }
            if (admitted != NO_ROOM) {
                return admitted == ADMITTED;
            }
            // outside the read lock: the other workers, the consumer and a stop never wait for a waiter
            awaitRoom();
        }
    }

    /**
     * The consumer's pull when it helps: never waits for room. It is called only while no loop of the run has
     * begun, so no worker holds the read lock for long.
     */
    boolean pullWithoutWaiting(Worker<I, ?> worker) {
        synchronized (reading) {
            return admit(worker) == ADMITTED;
        }
    }

    private static final int ADMITTED = 0;
    private static final int NOT_ADMITTED = 1;
    private static final int NO_ROOM = 2;

    /** Under the read lock: admits the next input into the worker, or says why not. */
    private int admit(Worker<I, ?> worker) {
        long count = cursor.admitted();
        // the consumer's count is read only when the room known from the last read is used up
        if (count >= cursor.limit) {
            if ((count & CLOSED) != 0) {
                return NOT_ADMITTED;
            }
            cursor.limit = consumed.value + window;
            if (count >= cursor.limit) {
                return NO_ROOM;
            }
        }
        if (cursor.drained) {
            return NOT_ADMITTED;
        }
        I input;
        try {
            if (!source.iterator().hasNext()) {
                cursor.drained = true;
                close();
                return NOT_ADMITTED;
            }
            input = source.iterator().next();
        } catch (Throwable e) {
            if ((cursor.admitted() & CLOSED) == 0) {
                cursor.drained = true;
                onSourceFailure.accept(e);
            }
            return NOT_ADMITTED;
        }
        // fails only when the run stopped during the read: the input goes back to the unread rest
        if (!cursor.admit(count)) {
            unadmitted.add(input);
            return NOT_ADMITTED;
        }
        worker.input = input;
        worker.seq = count;
        return ADMITTED;
    }

    private void awaitRoom() throws InterruptedException {
        synchronized (room) {
            // announce the wait before looking again, so that the consumer cannot miss it (both are volatile)
            consumed.waitingForRoom++;
            try {
                long count = cursor.admitted();
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
        long before = cursor.close();
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
        return cursor.admitted() & ~CLOSED;
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
                    if (cursor.drained || !source.iterator().hasNext()) {
                        cursor.drained = true;
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
     * The workers' side of admission, padded off the fields that the consumer reads (the JVM orders fields by
     * size, so the padding is on both sides): {@link #limit} and {@link #drained} under the read lock, the admitted
     * count by CAS under the read lock, or, to close admission, by anyone.
     */
    static final class Cursor {
        private static final VarHandle ADMITTED;

        static {
            try {
                ADMITTED = MethodHandles.lookup().findVarHandle(Cursor.class, "admitted", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long p1;
        long p2;
        long p3;
        long p4;
        long p5;
        long p6;
        long p7;
        /** How many inputs were admitted, plus {@link #CLOSED}. */
        private volatile long admitted;
        /** The count up to which the window had room when the consumer's count was last read. */
        long limit;
        boolean drained;
        long q1;
        long q2;
        long q3;
        long q4;
        long q5;
        long q6;
        long q7;

        long admitted() {
            return admitted;
        }

        boolean admit(long count) {
            return ADMITTED.compareAndSet(this, count, count + 1);
        }

        long close() {
            return (long) ADMITTED.getAndBitwiseOr(this, CLOSED);
        }
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
        /** Workers waiting for room; written under the room lock. */
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
