package io.github.parallelized;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The places among an asynchronous run's tasks in flight ({@link RunConfig#asyncInFlight()}), and the loops that
 * wait for one: an input holds a place from before its first attempt to its outcome, except while it is parked for
 * its limit's permits ({@link #placeless}: it gave its place back so that other keys' inputs run meanwhile, and
 * counts as outstanding still). A loop with nothing to do parks here (bounded) or, on a supplied executor, gives its
 * thread back and is launched again by whoever frees a place or queues a retry.
 */
final class Places<I, R> {

    /** How long a loop waiting here sleeps before it looks again by itself. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int limit;
    private final boolean shared;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger placeless = new AtomicInteger();
    /** Worker loops parked until a task ends or a retry is due: the one who frees a place unparks one. */
    private final ConcurrentLinkedQueue<Thread> waiters = new ConcurrentLinkedQueue<>();
    /**
     * On a supplied executor, loops that gave their thread back instead of parking (the stages' own work may need
     * the pool's threads): the one who frees a place, or queues a retry, launches one again.
     */
    private final ConcurrentLinkedQueue<Worker<I, R>> away = new ConcurrentLinkedQueue<>();
    /** The attempts parked for their permits, or null: a waiting loop wakes when the next is due. */
    private Throttled<?> throttled;

    Places(RunConfig config) {
        this.limit = config.asyncInFlight();
        this.shared = config.executor() != null;
    }

    /** Set once, before any loop starts: a waiting loop then wakes when the next parked attempt is due. */
    void wakeFor(Throttled<?> parked) {
        this.throttled = parked;
    }

    /** Inputs with a place, and inputs parked without one: the tasks outstanding (the consumer's end check). */
    int outstanding() {
        return inFlight.get() + placeless.get();
    }

    /** Whether a place is free now. */
    boolean free() {
        return inFlight.get() < limit;
    }

    /** Takes a free place; false when all are taken. */
    boolean take() {
        while (true) {
            int now = inFlight.get();
            if (now >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A loop gives back a place it reserved and did not use. */
    void unreserve() {
        inFlight.decrementAndGet();
        wakeOne();
    }

    /** An input parks without its place: counted placeless first, so the outstanding count never reads 0 between. */
    void parkWithoutPlace() {
        placeless.incrementAndGet();
        release();
    }

    /** A new input waits for a place (see {@link #placeAgain}): counted placeless, so the run waits for it. */
    void waitForPlace() {
        placeless.incrementAndGet();
    }

    static final int PLACED = 0;
    static final int NO_PLACE = 1;
    static final int GONE = 2;

    /**
     * A ready parked input takes a place among the tasks in flight again (one that kept its place, a retry's, needs
     * none): {@link #PLACED}, {@link #NO_PLACE} (all taken: it waits for the next), or {@link #GONE} (a stop ended it).
     */
    int placeAgain(AsyncAttempt<I, R> attempt) {
        synchronized (attempt) {
            if (!attempt.placeless) {
                return GONE; // placed already, by the loop that started it
            }
            if (attempt.state != AsyncAttempt.WAITING) {
                return GONE; // ended by a stop: its end counted it out of the placeless ones
            }
            if (!take()) {
                return NO_PLACE;
            }
            attempt.placeless = false;
            placeless.decrementAndGet(); // after the place was taken: the outstanding count never reads 0 meanwhile
            return PLACED;
        }
    }

    /** A placeless input ended: after the last outstanding one, every waiting loop looks again. */
    void endedWithoutPlace() {
        if (placeless.decrementAndGet() == 0 && inFlight.get() == 0) {
            wakeAll();
        }
    }

    /** Gives a place back, and wakes a loop to use it (all of them after the last). */
    void release() {
        if (inFlight.decrementAndGet() == 0) {
            wakeAll(); // the loops waiting for the last tasks leave now, not at their next look
        } else {
            wakeOne();
        }
    }

    /**
     * On a supplied executor, a loop about to wait gives its thread back: the stages' own work may need the pool
     * (a {@code supplyAsync(work, pool)}), and a pool whose threads all wait for that work never runs it. The loop
     * is listed before it looks once more, so that a wake-up between the two is not missed: whoever takes it off
     * the list launches it again. False when the loop goes on here (not shared, or ready after all).
     */
    boolean goneAway(Worker<I, R> worker, BooleanSupplier ready) {
        if (!shared || worker == null) {
            return false;
        }
        away.add(worker);
        return !(ready.getAsBoolean() && away.remove(worker));
    }

    /** Parks this loop until {@code ready} (checked after it is on the waiters' list), a wake-up, or a while. */
    void park(BooleanSupplier ready) {
        Thread current = Thread.currentThread();
        waiters.add(current);
        if (!ready.getAsBoolean()) {
            Throttled<?> parked = throttled;
            LockSupport.parkNanos(this, parked == null ? WAIT_NANOS
                    : Math.max(1, Math.min(WAIT_NANOS, parked.nanosUntilNext(System.nanoTime()))));
        }
        waiters.remove(current);
        // a stop interrupts the loops: it is read from the run's state, not from the flag
        Thread.interrupted();
    }

    void wakeOne() {
        Thread waiter = waiters.poll();
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
        // the next loop that gave its thread back, or the one after if the executor refused it (shut down): each
        // refusal loses that loop, so that a run whose executor took none back ends (the consumer sees no worker)
        // instead of keeping the others away for ever
        for (Worker<I, R> gone; (gone = away.poll()) != null; ) {
            if (gone.loops.relaunch(gone)) {
                break;
            }
        }
    }

    void wakeAll() {
        for (Thread waiter; (waiter = waiters.poll()) != null; ) {
            LockSupport.unpark(waiter);
        }
        for (Worker<I, R> gone; (gone = away.poll()) != null; ) {
            gone.loops.relaunch(gone);
        }
    }
}
