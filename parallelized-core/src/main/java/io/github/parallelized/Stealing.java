package io.github.parallelized;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Taking another worker's claimed, unstarted inputs: an idle worker thereby runs what waits behind a slow (or
 * waiting) task, and, once admission is closed, every claimed input still gets its outcome from a worker that is
 * still there (see {@link Claim}).
 */
final class Stealing<I> {

    /** Claims with inputs that others may steal (see {@link Claim}): none, and a thief need not look. */
    final AtomicInteger openClaims = new AtomicInteger();
    /** The run's workers; set once by the {@link Crew}. A run on virtual threads fills it as its loops start. */
    private Worker<I, ?>[] workers;
    /**
     * How many workers a run on virtual threads has created so far (a thief looks at no more: numThreads(1_000_000)
     * makes an array of a million, nearly all empty), or null: all of them.
     */
    private AtomicInteger created;
    /** The workers now waiting for the read lock in timed tries; the others wait in its queue (see lockOrSteal). */
    private final AtomicInteger polling = new AtomicInteger();

    /** How often a worker tries the read lock by spinning before it waits for it in timed tries. */
    private static final int LOCK_SPINS = 64;
    private static final long LOCK_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The most workers that wait for the read lock in timed tries, taking what a blocked reader publishes. */
    private static final int MAX_POLLING = 4;

    /** Set once by the crew, before any loop starts (its start publishes it to them). An entry may be null. */
    void workers(Worker<I, ?>[] all, AtomicInteger createdSoFar) {
        this.workers = all;
        this.created = createdSoFar;
    }

    /** How many entries of the workers' array a thief looks at. */
    private int known(Worker<I, ?>[] all) {
        AtomicInteger count = created;
        return count == null ? all.length : Math.min(all.length, count.get());
    }

    Worker<I, ?>[] workers() {
        return workers;
    }

    /** Takes the next unstarted input of another worker's claim into the thief. */
    boolean steal(Worker<I, ?> thief) {
        if (openClaims.get() == 0) {
            return false;
        }
        Worker<I, ?>[] all = workers;
        int known = known(all);
        if (known == 0) {
            return false;
        }
        int start = (int) (thief.seq % known);
        for (int i = 0; i < known; i++) {
            Worker<I, ?> victim = all[(start + i) % known];
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
    boolean fromStalled(Worker<I, ?> thief, long now) {
        if (openClaims.get() == 0) {
            return false; // no claim of more than one input holds any: nothing waits behind a task (and no pace made)
        }
        Pace pace = thief.pace();
        if (now - pace.nextProbe < 0) {
            return false; // at most one look per half stall time: the other's fields are a cache miss each
        }
        pace.nextProbe = now + Worker.STALLED_NANOS / 2;
        Worker<I, ?>[] all = workers;
        int probe = pace.probe + 1 >= known(all) ? 0 : pace.probe + 1;
        pace.probe = probe;
        Worker<I, ?> victim = all[probe];
        return victim != null && victim != thief && victim.claim.unstarted() > 0 && victim.stalled(now)
                && victim.claim.takeInto(thief);
    }

    /**
     * Takes the read lock (true), or, while another worker holds it (reading, maybe blocked in the source), an
     * input published in a claim (false). Spins a little first: on trivial tasks the lock comes within microseconds.
     * Then at most {@link #MAX_POLLING} workers wait in timed tries of 1 ms, taking what the reader publishes
     * meanwhile; the others wait in the lock's queue, woken one by one as it is released: a thousand workers waiting
     * for a source that blocks (a queue, a socket) would otherwise each wake every millisecond and take the
     * processors from the work.
     *
     * @throws InterruptedException when the run interrupts a worker waiting for the lock
     */
    boolean lockOrSteal(ReentrantLock reading, Worker<I, ?> worker) throws InterruptedException {
        if (reading.tryLock()) {
            return true;
        }
        for (int spin = 0; spin < LOCK_SPINS; spin++) {
            if (steal(worker)) {
                return false;
            }
            Thread.onSpinWait();
            if (reading.tryLock()) {
                return true;
            }
        }
        if (polling.incrementAndGet() > MAX_POLLING) {
            polling.decrementAndGet();
            reading.lockInterruptibly();
            return true;
        }
        try {
            while (true) {
                if (steal(worker)) {
                    return false;
                }
                if (reading.tryLock(LOCK_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                    return true;
                }
            }
        } finally {
            polling.decrementAndGet();
        }
    }
}
