package io.github.parallelized;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The source and the admission window: the first stop of an input. Workers read inputs under the read lock in
 * claims (one input, or several when tasks are trivial: see {@link Pace#nextClaimSize}), only while fewer than
 * {@code window} are admitted and not yet consumed; an idle worker steals from another's claim. Each admitted
 * input gets its sequence number and must become exactly one outcome, unless a stop gives it back unstarted.
 * Admission closes when the source is drained or has failed, or when the run stops; an input read after that goes
 * back to the unread rest ({@link #remaining()}).
 */
final class Admission<I> {

    /**
     * Written once, after {@link Cursor#CLOSED}: the consumer polls this rarely written flag instead of the count that
     * the workers write per input, so that waiting costs them no cache-line transfers.
     */
    private volatile boolean closed;

    private final TaskSource<I> source;
    private final Consumer<Throwable> onSourceFailure;
    /** Wakes the consumer once admission closes: its loop may be over. */
    private final Runnable onClose;
    /**
     * Held while the source is read (a user callback that may block), never by a stopping thread. A worker that
     * finds it held spins a little, then waits for it in short timed tries, and between them takes what the reader
     * published in its claim: a read that blocks never holds the inputs read before it (a monitor could not be
     * tried, and its waiters could not take them).
     */
    private final ReentrantLock reading = new ReentrantLock();
    /** The workers' side: the admitted count, the known room, the drained flag; written per input. */
    private final Cursor cursor;
    /** Room in the window: the consumer's count, and the workers waiting for it. */
    private final Room room;
    /** Other workers' claimed, unstarted inputs. */
    private final Stealing<I> stealing = new Stealing<>();
    /** What a stop gave back, and the rest of the source, for {@link #remaining()}. */
    private final Unread<I> unread;
    /** The largest claim: a share of the window, so that one worker's claim never holds back the others. */
    private final int maxClaim;
    /** A failure of the source after some inputs of a claim were read: reported at the next read; under the lock. */
    private Throwable sourceFailure;
    /**
     * Set once the run stopped: the claimed inputs that no worker started are given back, to come first in
     * {@link #remaining()} instead of becoming outcomes. Written before the claims are looked at, and a claim is
     * published before its worker looks at this: either side sees the other (both volatile).
     */
    private volatile boolean stopped;
    /** Set once a stop has given back every claim: until then, the admitted count may still go down. */
    private volatile boolean stopSettled;

    Admission(TaskSource<I> source, Room room, int window, int threads, Consumer<Throwable> onSourceFailure,
              Runnable onClose) {
        this.source = source;
        this.room = room;
        this.cursor = room.cursor;
        this.unread = new Unread<>(source, cursor, reading);
        // one thread alone cannot take what it read ahead while its next read blocks: it reads one input at a time,
        // unless the source has a known size (a collection, a sized stream: its reads do not wait for anything)
        this.maxClaim = threads == 1 && source.size() < 0 ? 1
                : (int) Math.max(1, Math.min(Claim.MAX_SIZE, window / (2L * threads)));
        this.onSourceFailure = onSourceFailure;
        this.onClose = onClose;
    }

    /**
     * Admits the next input into the worker: the next of its own claim, else of a new claim read from the source,
     * else one stolen from another worker's claim, waiting for room in the window when there is none of these;
     * false when admission is closed and nothing is left to steal.
     *
     * @throws InterruptedException when the run interrupts a worker waiting for room
     */
    boolean pull(Worker<I, ?> worker) throws InterruptedException {
        while (true) {
            if (stopped) {
                giveBack(worker.claim); // the first input of a claim read while the run stopped
            }
            if (worker.claim.takeInto(worker)) {
                return true;
            }
            long now = maxClaim > 1 ? System.nanoTime() : 0; // claims of one: no clock, no pace (see Worker#pace)
            if (maxClaim > 1 && stealing.fromStalled(worker, now)) {
                return true;
            }
            if (closed) {
                // nothing more is read: the read lock would only say so (a run of 10,000 virtual threads would
                // queue its leaving loops on it one by one)
                return stealing.steal(worker);
            }
            int wanted = worker.nextClaimSize(now, maxClaim);
            if (!stealing.lockOrSteal(reading, worker)) {
                return true; // took an input that another worker published while it held the lock
            }
            int admitted;
            try {
                admitted = admit(worker, wanted);
            } finally {
                reading.unlock();
            }
            if (admitted == ADMITTED || admitted == TAKEN_BY_OTHERS) {
                worker.claimed(wanted, Math.max(1, worker.claim.size()), now);
                if (admitted == ADMITTED) {
                    return true;
                }
                continue; // others took every input of the claim while it was read: read again
            }
            if (stealing.steal(worker)) {
                return true;
            }
            if (admitted == NOT_ADMITTED) {
                return false;
            }
            // outside the read lock: the other workers, the consumer and a stop never wait for a waiter
            if (!room.await(worker)) {
                return false; // the worker takes its parked inputs first (admission is not closed: it comes back)
            }
        }
    }

    /**
     * The consumer's pull when it helps: one input at a time, never waits for room. It is called only while no
     * loop of the run has begun, so no worker holds the read lock for long.
     */
    boolean pullWithoutWaiting(Worker<I, ?> worker) {
        if (worker.claim.takeInto(worker)) {
            return true;
        }
        if (!reading.tryLock()) {
            return false;
        }
        try {
            return admit(worker, 1) == ADMITTED;
        } finally {
            reading.unlock();
        }
    }

    private static final int ADMITTED = 0;
    private static final int NOT_ADMITTED = 1;
    private static final int NO_ROOM = 2;
    /** Inputs were admitted into a new claim, and other workers took them all while it was read. */
    private static final int TAKEN_BY_OTHERS = 3;

    /**
     * Under the read lock: reads up to {@code wanted} inputs, as far as the window has room, into a new claim of
     * the worker, each admitted and published as soon as it is read; then takes the first one left, or says why
     * not. Inputs read before the source failed are admitted; the failure is reported at the next read, as if they
     * had been read one at a time.
     */
    private int admit(Worker<I, ?> worker, int wanted) {
        long count = cursor.admitted();
        // the consumer's count is read only when the room known from the last read is used up
        if (count >= cursor.limit) {
            if ((count & Cursor.CLOSED) != 0) {
                return NOT_ADMITTED;
            }
            cursor.limit = room.limit();
            if (count >= cursor.limit) {
                return NO_ROOM;
            }
        }
        if (cursor.drained) {
            return NOT_ADMITTED;
        }
        if (sourceFailure != null) {
            Throwable failure = sourceFailure;
            sourceFailure = null;
            fail(failure);
            return NOT_ADMITTED;
        }
        int size = (int) Math.min(wanted, cursor.limit - count);
        Claim<I> claim = new Claim<>(size, count, stealing.openClaims);
        worker.claim = claim; // its own claim is used up: this one is published before its first read
        int read = 0;
        boolean drained = false;
        try {
            while (read < size) {
                if (!source.iterator().hasNext()) {
                    drained = true;
                    break;
                }
                I input = source.iterator().next();
                if (!cursor.admit(count + read, 1)) {
                    unread.notAdmitted(input); // the run stopped during the read: back to the unread rest
                    break;
                }
                claim.add(input);
                read++;
                if (stopped) {
                    giveBack(claim); // a stop that looked at this claim before the input was in it
                    break;
                }
            }
            drained = drained || read == size && !stopped && source.endsAt(count + read);
        } catch (Throwable e) {
            if (read == 0) {
                claim.seal();
                fail(e);
                return NOT_ADMITTED;
            }
            sourceFailure = e;
        }
        claim.seal();
        if (drained) {
            cursor.drained = true;
            close();
        }
        if (read == 0) {
            return NOT_ADMITTED;
        }
        return claim.takeInto(worker) ? ADMITTED : TAKEN_BY_OTHERS;
    }

    /** Under the read lock: the source failed; the run fails with it, unless admission closed meanwhile. */
    private void fail(Throwable error) {
        if ((cursor.admitted() & Cursor.CLOSED) == 0) {
            cursor.drained = true;
            onSourceFailure.accept(error);
        }
    }

    /**
     * Set once by the crew, before any loop starts (its start publishes it to them). A run on virtual threads fills
     * it as its loops start, {@code created} of them so far: an entry may be null.
     */
    void workers(Worker<I, ?>[] all, AtomicInteger created) {
        stealing.workers(all, created);
    }

    /** Whether admission is closed: nothing more is read from the source. */
    boolean isClosed() {
        return closed;
    }

    /**
     * The run stopped: admits nothing more, and gives back the claimed inputs that no worker started. Takes no lock
     * that a callback holds.
     */
    void stop() {
        close();
        stopped = true;
        for (Worker<I, ?> worker : stealing.workers()) {
            if (worker != null) {
                giveBack(worker.claim);
            }
        }
        stopSettled = true;
        onClose.run(); // the consumer may have waited for the claims to come back
    }

    /** False while a stop is still giving back the claimed inputs (the admitted count may still go down). */
    boolean stopSettled() {
        return stopSettled;
    }

    /** Takes the inputs of the claim that no worker started, for {@link #remaining()} (at a stop, by anyone). */
    void giveBack(Claim<I> claim) {
        if (unread.giveBack(claim) > 0) {
            onClose.run(); // the consumer may wait for no more outcomes now
        }
    }

    /**
     * Admits nothing more, without the read lock; returns the final number of admitted inputs that must come out
     * (without those given back).
     */
    long close() {
        long before = cursor.close();
        if ((before & Cursor.CLOSED) == 0) {
            closed = true;
            room.wakeAll();
            onClose.run();
        }
        return (before & ~Cursor.CLOSED) - unread.givenBack();
    }

    /** How many inputs were admitted so far, those a stop gave back included. */
    long admittedSoFar() {
        return cursor.admitted() & ~Cursor.CLOSED;
    }

    /**
     * The final number of admitted inputs that must come out once admission is closed, else -1. It may still go
     * down while a stop gives back claimed inputs, never below the outcomes that came out.
     */
    long finalCount() {
        return closed ? admittedSoFar() - unread.givenBack() : -1;
    }

    /** The source's unread rest, read on the caller's thread under the read lock. */
    Iterator<I> remaining() {
        return unread.iterator();
    }
}
