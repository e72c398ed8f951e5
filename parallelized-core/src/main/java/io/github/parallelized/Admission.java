package io.github.parallelized;

import java.util.Iterator;
import java.util.LinkedList;
import java.util.NoSuchElementException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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
     * Held while the source is read (a user callback that may block), never by a stopping thread. A worker that
     * finds it held spins a little, then waits for it in short timed tries, and between them takes what the reader
     * published in its claim: a read that blocks never holds the inputs read before it (a monitor could not be
     * tried, and its waiters could not take them).
     */
    private final ReentrantLock reading = new ReentrantLock();
    /** How often a worker tries the read lock by spinning before it waits for it in timed tries. */
    private static final int LOCK_SPINS = 64;
    private static final long LOCK_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The window-room handshake: held only by our code, briefly, never across a user callback. */
    private final Object room = new Object();
    /** The workers' side: the admitted count, the known room, the drained flag; written per input. */
    private final Cursor cursor = new Cursor();
    private final Consumed consumed = new Consumed();
    /** The largest claim: a share of the window, so that one worker's claim never holds back the others. */
    private final int maxClaim;
    /** A power of two minus one: waiting workers are woken when the consumed count has these bits clear. */
    private final long wakeStep;
    /** Claims with inputs that others may steal (see {@link Claim}): none, and a thief need not look. */
    private final AtomicInteger openClaims = new AtomicInteger();
    /** The run's workers, whose claims an idle worker steals from; set once by the {@link Crew}. */
    private Worker<I, ?>[] workers;
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
    /**
     * What a worker does before it waits for room in the window: an asynchronous run starts its due retries there
     * (they hold their places already, and the room may only come once they end).
     */
    private volatile Runnable beforeRoomWait = () -> { };
    /**
     * True when a worker has other work than the source: a blocking run's parked inputs (see {@link Tasks}) that
     * are ready. A worker that would wait for room returns from {@link #pull} instead, to take them.
     */
    private volatile java.util.function.BooleanSupplier readyElsewhere = () -> false;
    /** Given back by {@link #giveBack}, with their sequence numbers; guarded by itself, never across a callback. */
    private final java.util.List<Given<I>> given = new java.util.ArrayList<>();
    /** How many admitted inputs were given back: they never come out. */
    private volatile long givenBack;
    /** Inputs read but not admitted (the run stopped meanwhile), first in {@link #remaining()}; under the lock. */
    private final LinkedList<I> unadmitted = new LinkedList<>();

    Admission(TaskSource<I> source, int window, int threads, Consumer<Throwable> onSourceFailure, Runnable onClose) {
        this.source = source;
        this.window = window;
        // one thread alone cannot take what it read ahead while its next read blocks: it reads one input at a time,
        // unless the source has a known size (a collection, a sized stream: its reads do not wait for anything)
        this.maxClaim = threads == 1 && source.size() < 0 ? 1
                : (int) Math.max(1, Math.min(Claim.MAX_SIZE, window / (2L * threads)));
        this.wakeStep = Long.highestOneBit(Math.max(1, Math.min(Claim.MAX_SIZE, window / 4))) - 1;
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
            long now = System.nanoTime();
            if (maxClaim > 1 && stealFromStalled(worker, now)) {
                return true;
            }
            int wanted = worker.pace.nextClaimSize(now, maxClaim);
            if (!lockOrSteal(worker)) {
                return true; // took an input that another worker published while it held the lock
            }
            int admitted;
            try {
                admitted = admit(worker, wanted);
            } finally {
                reading.unlock();
            }
            if (admitted == ADMITTED || admitted == TAKEN_BY_OTHERS) {
                worker.pace.claimed(wanted, Math.max(1, worker.claim.size()), now);
                if (admitted == ADMITTED) {
                    return true;
                }
                continue; // others took every input of the claim while it was read: read again
            }
            if (steal(worker)) {
                return true;
            }
            if (admitted == NOT_ADMITTED) {
                return false;
            }
            if (readyElsewhere.getAsBoolean()) {
                return false; // the worker takes its parked inputs first (admission is not closed: it comes back)
            }
            // outside the read lock: the other workers, the consumer and a stop never wait for a waiter
            beforeRoomWait.run();
            awaitRoom(worker);
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

    /**
     * Takes the read lock (true), or, while another worker holds it (reading, maybe blocked in the source), an
     * input published in a claim (false). Spins a little first: on trivial tasks the lock comes within microseconds.
     *
     * @throws InterruptedException when the run interrupts a worker waiting for the lock
     */
    private boolean lockOrSteal(Worker<I, ?> worker) throws InterruptedException {
        if (reading.tryLock()) {
            return true;
        }
        for (int spin = 0; ; spin++) {
            if (steal(worker)) {
                return false;
            }
            if (spin < LOCK_SPINS) {
                Thread.onSpinWait();
                if (reading.tryLock()) {
                    return true;
                }
            } else if (reading.tryLock(LOCK_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    /**
     * Takes the next unstarted input of another worker's claim: an idle worker thereby runs what waits behind a
     * slow (or waiting) task, and, once admission is closed, every claimed input still gets its outcome from a
     * worker that is still there.
     */
    private boolean steal(Worker<I, ?> thief) {
        if (openClaims.get() == 0) {
            return false;
        }
        Worker<I, ?>[] all = workers;
        int start = (int) (thief.seq % all.length);
        for (int i = 0; i < all.length; i++) {
            Worker<I, ?> victim = all[(start + i) % all.length];
            if (victim != null && victim != thief && victim.claim.takeInto(thief)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Before a worker reads a new claim it looks at one other worker, each in turn (at most every 25 us): when
     * that one's task has run for long and inputs wait behind it in its claim, it takes the next of them. So the
     * inputs claimed behind a slow (or waiting) task are run by the next worker that comes for more, as if they
     * had not been claimed.
     */
    private boolean stealFromStalled(Worker<I, ?> thief, long now) {
        if (now - thief.pace.nextProbe < 0) {
            return false; // at most one look per half stall time: the other's fields are a cache miss each
        }
        thief.pace.nextProbe = now + Worker.STALLED_NANOS / 2;
        Worker<I, ?>[] all = workers;
        int probe = thief.pace.probe + 1 >= all.length ? 0 : thief.pace.probe + 1;
        thief.pace.probe = probe;
        Worker<I, ?> victim = all[probe];
        return victim != null && victim != thief && victim.claim.unstarted() > 0 && victim.stalled(now)
                && victim.claim.takeInto(thief);
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
        if (sourceFailure != null) {
            Throwable failure = sourceFailure;
            sourceFailure = null;
            fail(failure);
            return NOT_ADMITTED;
        }
        int size = (int) Math.min(wanted, cursor.limit - count);
        Claim<I> claim = new Claim<>(size, count, openClaims);
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
                    unadmitted.add(input); // the run stopped during the read: back to the unread rest
                    break;
                }
                claim.add(input);
                read++;
                if (stopped) {
                    giveBack(claim); // a stop that looked at this claim before the input was in it
                    break;
                }
            }
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
        if ((cursor.admitted() & CLOSED) == 0) {
            cursor.drained = true;
            onSourceFailure.accept(error);
        }
    }

    /**
     * Set once by the crew, before any loop starts (its start publishes it to them). A run on virtual threads fills
     * it as its loops start: an entry may be null.
     */
    void workers(Worker<I, ?>[] all) {
        this.workers = all;
    }

    /** Whether admission is closed: nothing more is read from the source. */
    boolean isClosed() {
        return closed;
    }

    /** How long a worker waits for room before it looks again for an input to steal. */
    static final long ROOM_RECHECK_MILLIS = 10;

    private void awaitRoom(Worker<I, ?> worker) throws InterruptedException {
        // first a short adaptive spin, as the consumer does: while it takes outcomes, room comes within
        // microseconds, and sleeping on the monitor would cost a wake-up (a system call each side) per claim
        int budget = worker.pace.roomSpins;
        int seen = nudges;
        for (int spin = 0; spin < budget; spin++) {
            Thread.yield();
            long count = cursor.admitted();
            if (nudges != seen) {
                return; // a retry fell due, or a parked input is ready: the worker looks again now, not after the spin
            }
            if ((count & CLOSED) != 0 || count < consumed.value + window) {
                worker.pace.roomSpins = Math.min(Handoff.MAX_SPINS, budget * 2);
                return;
            }
        }
        worker.pace.roomSpins = Math.max(Handoff.MIN_SPINS, budget / 2);
        synchronized (room) {
            // announce the wait before looking again, so that the consumer cannot miss it (both are volatile)
            consumed.waitingForRoom++;
            try {
                long count = cursor.admitted();
                if ((count & CLOSED) == 0 && count >= consumed.value + window) {
                    // bounded: a claim made after this worker looked for one to steal from holds no room for it,
                    // and the task it waits behind may wait for one of that claim's inputs
                    room.wait(ROOM_RECHECK_MILLIS);
                }
            } finally {
                consumed.waitingForRoom--;
            }
        }
    }

    /**
     * The consumer took one more outcome: room for one more input. Called by the consumer alone. A release store,
     * not a volatile one (that would cost a full fence per outcome): a worker that announced its wait just now may
     * not be seen here, and is seen by {@link #consumerWaits()}, which the consumer calls before it waits. Waiting
     * workers are woken once per {@link #wakeStep} + 1 outcomes, not per outcome: each wake-up then finds room
     * for a claim, instead of a worker and the consumer taking turns one input at a time.
     */
    void consumedOne() {
        Consumed count = consumed;
        long value = count.value + 1;
        Consumed.VALUE.setRelease(count, value);
        if ((value & wakeStep) == 0 && count.waitingForRoom > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /** The consumer is about to wait for outcomes: wakes the workers that wait for the room it made. */
    void consumerWaits() {
        VarHandle.fullFence(); // orders the counts stored by consumedOne() before the read of the waiters
        if (consumed.waitingForRoom > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /**
     * The run stopped: admits nothing more, and gives back the claimed inputs that no worker started. Takes no lock
     * that a callback holds.
     */
    void stop() {
        close();
        stopped = true;
        for (Worker<I, ?> worker : workers) {
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

    /** Sets what tells a worker about to wait for room to take other work (see {@link #readyElsewhere}). */
    void readyElsewhere(java.util.function.BooleanSupplier ready) {
        readyElsewhere = ready;
    }

    /** Sets what a worker does before it waits for room (see {@link #beforeRoomWait}). */
    void beforeRoomWait(Runnable action) {
        beforeRoomWait = action;
    }

    /**
     * Bumped by {@link #wakeRoomWaiters}: a worker spinning for room sees it at its next look. A plain increment of a
     * volatile: two racing bumps may count one, and either way the value changed.
     */
    private volatile int nudges;

    /** Wakes the workers waiting for room, so that they look again (an asynchronous run's retry fell due). */
    void wakeRoomWaiters() {
        nudges++;
        if (consumed.waitingForRoom > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /** Takes the inputs of the claim that no worker started, for {@link #remaining()}. */
    private void giveBack(Claim<I> claim) {
        int taken;
        synchronized (given) {
            taken = claim.takeRest((seq, input) -> given.add(new Given<>(seq, input)));
            givenBack += taken;
        }
        if (taken > 0) {
            onClose.run(); // the consumer may wait for no more outcomes now
        }
    }

    /** An admitted input given back at a stop, with its sequence number. */
    private record Given<I>(long seq, I input) {
    }

    /**
     * Admits nothing more, without the read lock; returns the final number of admitted inputs that must come out
     * (without those given back).
     */
    long close() {
        long before = cursor.close();
        if ((before & CLOSED) == 0) {
            closed = true;
            synchronized (room) {
                room.notifyAll();
            }
            onClose.run();
        }
        return (before & ~CLOSED) - givenBack;
    }

    /**
     * The final number of admitted inputs that must come out once admission is closed, else -1. It may still go
     * down while a stop gives back claimed inputs, never below the outcomes that came out.
     */
    long finalCount() {
        if (!closed) {
            return -1;
        }
        return (cursor.admitted() & ~CLOSED) - givenBack;
    }

    /** The source's unread rest, read on the caller's thread under the read lock. */
    Iterator<I> remaining() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                reading.lock();
                try {
                    takeGivenBack();
                    if (!unadmitted.isEmpty()) {
                        return true;
                    }
                    if (cursor.drained || !source.iterator().hasNext()) {
                        cursor.drained = true;
                        return false;
                    }
                    unadmitted.add(source.iterator().next());
                    return true;
                } finally {
                    reading.unlock();
                }
            }

            @Override
            public I next() {
                reading.lock();
                try {
                    if (!hasNext()) {
                        throw new NoSuchElementException("the source has no more inputs");
                    }
                    return unadmitted.removeFirst();
                } finally {
                    reading.unlock();
                }
            }
        };
    }

    /** Under the read lock: the inputs given back come first in the unread rest, in their source order. */
    private void takeGivenBack() {
        synchronized (given) {
            if (given.isEmpty()) {
                return;
            }
            given.sort(java.util.Comparator.comparingLong(Given::seq));
            for (int i = given.size() - 1; i >= 0; i--) {
                unadmitted.addFirst(given.get(i).input());
            }
            given.clear();
        }
    }

    /**
     * The workers' side of admission, padded off the fields that the consumer reads (before by
     * {@link CacheLinePadding}, after by its own trailing longs): {@link #limit} and {@link #drained} under the read
     * lock, the admitted count by CAS under the read lock, or, to close admission, by anyone.
     */
    static final class Cursor extends CacheLinePadding {
        private static final VarHandle ADMITTED =
                VarHandles.field(MethodHandles.lookup(), Cursor.class, "admitted", long.class);

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

        boolean admit(long count, int inputs) {
            return ADMITTED.compareAndSet(this, count, count + inputs);
        }

        long close() {
            return (long) ADMITTED.getAndBitwiseOr(this, CLOSED);
        }
    }

    /**
     * How many outcomes the consumer took: written by the consumer alone, padded off other hot fields (before by
     * {@link CacheLinePadding}, after by its own trailing longs), read by the workers only when their room is used.
     */
    static final class Consumed extends CacheLinePadding {
        static final VarHandle VALUE = VarHandles.field(MethodHandles.lookup(), Consumed.class, "value", long.class);

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
