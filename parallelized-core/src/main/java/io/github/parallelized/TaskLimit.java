package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A limit on the tasks that call one service: how many run at once ({@link #concurrency(int)}), how many start
 * in any window of time ({@link #rate(int, Duration)}), or both ({@link #and(TaskLimit)}). Given to a run with
 * {@code Parallelized.Builder.limit(TaskLimit)}, or per key value (host, tenant, model) with
 * {@code limitPerKey(key, limit)}.
 *
 * <pre>{@code
 * // at most 8 calls open at once and 20 started per second, for every run that calls the API
 * TaskLimit api = TaskLimit.concurrency(8).and(TaskLimit.rate(20, Duration.ofSeconds(1)));
 * }</pre>
 *
 * <p>A rate is a sliding window: at most {@code permits} starts in <em>any</em> window of length {@code per},
 * where a token bucket would let a full bucket go at the end of one period and another at the start of the next.
 * Every attempt counts, retries included; a start is counted when its permit is taken. A rate keeps the times
 * of the last {@code permits} starts: 8 bytes each, allocated as they happen.
 *
 * <p>One instance is one set of permits: two runs given the same instance share them (in Spring, a bean shared
 * by every run that calls one API), and {@code a.and(b)} shares the permits of {@code a} and of {@code b} with
 * every other user of {@code a} or {@code b}. The permits are taken all at once: a task never holds those of
 * {@code a} while it waits for {@code b}. Given as the template of {@code limitPerKey}, a limit gets one copy per
 * key value, with permits of its own; runs given the same template share the copy of each key, and a key's copy is
 * forgotten once it is idle (no permit held, no task waiting, no start within its window).
 *
 * <p>The read-only view ({@link #inUse()}, {@link #recentStarts()}, {@link #waiting()}) feeds meters and
 * dashboards; each value is a moment's reading.
 *
 * <p>Immutable in its settings and thread-safe.
 */
public final class TaskLimit {

    /*
     * For maintainers. A TaskLimit is a view of one or more parts ({@code LimitPart}), each a ConcurrencyPermits (a
     * counter, striped from 64) or a RatePermits (a ring of start times under its monitor); and() makes a view of
     * both sets of parts, so the parts are the shared state. tryAcquire takes the permits of every part or of none:
     *   1. lock the rate parts, in the order of their ids (a global order: no deadlock between two views);
     *   2. take a permit of each concurrency part by CAS; at a full one, stop;
     *   3. check every rate part;
     *   4. if all said yes, record the start in every rate part; unlock;
     *   5. if one said no, give back the concurrency permits taken (a give-back is a release: it wakes the waiters,
     *      who may have been refused because of it), under no lock, and answer ON_RELEASE or the rate's due time.
     * A rate part never needs an undo: it is changed only once every part has said yes, under its lock. No
     * wake-up runs under a lock of the limit.
     * Wake-ups: a concurrency part counts its releases and runs the callbacks registered since (one-shot), so a
     * waiter reads releases() before trying and registers with what it read: a release in between is not lost.
     */

    /** What {@link #tryAcquire(long)} answers when a concurrency part is full: wait for a release. */
    static final long ON_RELEASE = Long.MAX_VALUE;
    /** The most permits of one rate: its ring of start times takes 8 bytes a permit. */
    static final int MAX_RATE_PERMITS = 1_000_000;

    private final ConcurrencyPermits[] concurrency;
    /** Sorted by id: the order in which their locks are taken. */
    private final RatePermits[] rates;

    /** The copies of this limit per key value, made at the first {@code limitPerKey} that uses it as template. */
    private volatile KeyedLimits.Copies copies;

    private TaskLimit(ConcurrencyPermits[] concurrency, RatePermits[] rates) {
        this.concurrency = concurrency;
        this.rates = rates;
    }

    /**
     * At most {@code max} tasks under this limit run at once (for an asynchronous function: are in flight, from
     * their start to their stage's completion).
     *
     * @param max at least 1
     * @return the limit
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public static TaskLimit concurrency(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        return new TaskLimit(new ConcurrencyPermits[] {new ConcurrencyPermits(max, true)}, new RatePermits[0]);
    }

    /**
     * At most {@code permits} task starts (attempts and retries included) in any window of length {@code per}.
     *
     * @param permits at least 1, at most 1,000,000 (for more, use a shorter window)
     * @param per     the window, more than zero, at most {@code Long.MAX_VALUE} nanoseconds
     * @return the limit
     * @throws IllegalArgumentException if {@code permits} is out of range, or {@code per} is zero, negative or too
     *                                  long
     * @throws NullPointerException     if {@code per} is null
     */
    public static TaskLimit rate(int permits, Duration per) {
        if (permits < 1 || permits > MAX_RATE_PERMITS) {
            throw new IllegalArgumentException("permits must be between 1 and " + MAX_RATE_PERMITS + ", was "
                    + permits);
        }
        Objects.requireNonNull(per, "per");
        if (per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("per must be more than zero, was " + per);
        }
        if (per.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("per must be at most " + Duration.ofNanos(Long.MAX_VALUE)
                    + " (Long.MAX_VALUE nanoseconds, about 292 years), was " + per);
        }
        return new TaskLimit(new ConcurrencyPermits[0], new RatePermits[] {new RatePermits(permits, per.toNanos())});
    }

    /**
     * Both this limit and {@code other}: a task starts only when it gets the permits of both, taken together.
     * The result shares its permits with this limit and with {@code other}.
     *
     * @param other the other limit, not null
     * @return the combined limit
     * @throws NullPointerException if {@code other} is null
     */
    public TaskLimit and(TaskLimit other) {
        Objects.requireNonNull(other, "other");
        return new TaskLimit(union(concurrency, other.concurrency, ConcurrencyPermits[]::new),
                union(rates, other.rates, RatePermits[]::new));
    }

    private static <P extends LimitPart> P[] union(P[] a, P[] b, java.util.function.IntFunction<P[]> array) {
        List<P> all = new ArrayList<>(Arrays.asList(a));
        for (P part : b) {
            if (!all.contains(part)) {
                all.add(part);
            }
        }
        all.sort(Comparator.comparingLong(part -> part.id));
        return all.toArray(array.apply(0));
    }

    /**
     * A limit with the same settings and permits of its own, for one key of {@code limitPerKey}.
     */
    TaskLimit copy() {
        ConcurrencyPermits[] c = new ConcurrencyPermits[concurrency.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = new ConcurrencyPermits(concurrency[i].max, false);
        }
        RatePermits[] r = new RatePermits[rates.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new RatePermits(rates[i].permits, rates[i].perNanos);
        }
        return new TaskLimit(c, r);
    }

    /** The copies of this limit per key value, shared by every run that uses it with {@code limitPerKey}. */
    KeyedLimits.Copies copies() {
        KeyedLimits.Copies made = copies;
        if (made == null) {
            synchronized (this) {
                made = copies;
                if (made == null) {
                    made = new KeyedLimits.Copies(this, System::nanoTime);
                    copies = made;
                }
            }
        }
        return made;
    }

    /**
     * Takes a permit of every part, or none: for the engine, before each attempt.
     *
     * @param nowNanos the time, from {@link System#nanoTime()} (or a test's clock)
     * @return 0 when the permits were taken (the caller then owes one {@link #release()}); {@link #ON_RELEASE} when
     *         a concurrency part is full (wait for {@link #onRelease}); else the nanoseconds until a rate allows the
     *         next start (try again then)
     */
    long tryAcquire(long nowNanos) {
        return tryAcquire(nowNanos, thread());
    }

    /**
     * As {@link #tryAcquire(long)}, for the thread of number {@code thread} ({@link #thread()}): the permits are
     * then owed back with {@link #release(int)} of the same number, from any thread.
     */
    long tryAcquire(long nowNanos, int thread) {
        long decided;
        if (rates.length == 0) {
            decided = takeConcurrency(thread, false);
        } else {
            decided = lockedFrom(0, nowNanos, thread);
            for (ConcurrencyPermits part : concurrency) {
                part.wakeDeferred(); // give-backs made under the rates' locks wake their waiters now, unlocked
            }
        }
        if (decided == 0) {
            return 0;
        }
        // give-backs wake waiters: done here, under no lock of the limit, so that a wake-up that takes a lock of
        // the engine cannot order itself against a rate's monitor
        if (decided > 0) {
            release(thread);
            return decided;
        }
        giveBack((int) -(decided + 1), thread);
        return ON_RELEASE;
    }

    /**
     * Locks the rate parts from {@code i} on, in order (monitors: a key's copy must stay small), then decides:
     * 0 when every permit was taken; the wait of a refusing rate (the concurrency permits are then to give back);
     * or {@code -(k + 1)} when concurrency part {@code k} is full (the {@code k} before it are to give back).
     */
    private long lockedFrom(int i, long nowNanos, int thread) {
        if (i < rates.length) {
            synchronized (rates[i]) {
                return lockedFrom(i + 1, nowNanos, thread);
            }
        }
        long taken = takeConcurrency(thread, true);
        if (taken != 0) {
            return taken;
        }
        long wait = 0;
        for (RatePermits rate : rates) {
            wait = Math.max(wait, rate.due(nowNanos));
        }
        if (wait > 0) {
            return wait;
        }
        for (RatePermits rate : rates) {
            rate.record(nowNanos);
        }
        return 0;
    }

    /**
     * Takes a permit of each concurrency part: 0, or {@code -(k + 1)} when part {@code k} is full (the {@code k}
     * before it taken). A combined limit first looks for a part that is visibly full, and is refused at once, with
     * nothing taken: a permit of an earlier part taken and given back for nothing counts as a release and wakes
     * that part's waiters, who took it and gave it back in turn (a run's {@code limit(concurrency(3))} with a
     * {@code limitPerKey(concurrency(1))} made millions of releases for 3,000 inputs on a few hundred virtual
     * threads, and stalled for tens of seconds).
     */
    private long takeConcurrency(int thread, boolean locked) {
        if (concurrency.length > 1) {
            for (ConcurrencyPermits part : concurrency) {
                if (part.visiblyFull()) {
                    return -1; // nothing to give back
                }
            }
        }
        for (int i = 0; i < concurrency.length; i++) {
            if (!concurrency[i].tryTake(thread, locked)) {
                return -(i + 1L);
            }
        }
        return 0;
    }

    /** Gives back the permits of the first {@code parts} concurrency parts (a give-back is a release). */
    private void giveBack(int parts, int thread) {
        for (int j = 0; j < parts; j++) {
            concurrency[j].release(thread);
        }
    }

    /** Whether a {@link #tryAcquire} needs the time: only a rate does (a concurrency limit spares the clock read). */
    boolean timed() {
        return rates.length > 0;
    }

    /** Gives back the concurrency permits a successful {@link #tryAcquire(long)} took, and wakes the waiters. */
    void release() {
        for (ConcurrencyPermits part : concurrency) {
            part.releaseAny();
        }
    }

    /** Gives back the permits of a {@link #tryAcquire(long, int)} for the same thread number. */
    void release(int thread) {
        for (ConcurrencyPermits part : concurrency) {
            part.release(thread);
        }
    }

    /**
     * The number of the current thread, for {@link #tryAcquire(long, int)}: a striped limit keeps the permits of a
     * thread in a cell of its own.
     */
    static int thread() {
        return (int) Thread.currentThread().getId();
    }

    /** How many times the concurrency parts gave permits back: read before {@link #tryAcquire(long)}. */
    long releases() {
        long sum = 0;
        for (ConcurrencyPermits part : concurrency) {
            sum += part.releases();
        }
        return sum;
    }

    /**
     * Registers {@code wakeUp} to run once at the next release of a concurrency permit, unless one came since
     * {@code seen} was read from {@link #releases()}: then nothing is registered and the answer is false (the caller
     * tries again at once). It may run more than once (once per part for a limit of several), on the thread that
     * releases: it must be short, such as an unpark. A limit without concurrency never releases: false.
     *
     * @return true when registered; false when a release came meanwhile (or there is nothing to wait for)
     */
    boolean onRelease(long seen, Runnable wakeUp) {
        if (concurrency.length == 0) {
            return false;
        }
        for (ConcurrencyPermits part : concurrency) {
            part.waiters().add(wakeUp);
        }
        if (releases() != seen) {
            for (ConcurrencyPermits part : concurrency) {
                part.waiters().remove(wakeUp);
            }
            return false;
        }
        return true;
    }

    /** The permits free now: the fewest among the concurrency parts; {@link Integer#MAX_VALUE} without one. */
    int freePermits() {
        int least = Integer.MAX_VALUE;
        for (ConcurrencyPermits part : concurrency) {
            least = Math.min(least, part.free());
        }
        return Math.max(0, least);
    }

    /** Counts tasks that begin ({@code +1}) or end ({@code -1}) waiting for this limit, for {@link #waiting()}. */
    void waiting(int delta) {
        for (ConcurrencyPermits part : concurrency) {
            LimitPart.WAITING.getAndAdd(part, delta);
        }
        for (RatePermits rate : rates) {
            LimitPart.WAITING.getAndAdd(rate, delta);
        }
    }

    /**
     * Whether a copy of this limit could be forgotten now and made again without letting more tasks through: no
     * permit held, no task waiting, no start within its rate windows.
     */
    boolean idle(long nowNanos) {
        for (ConcurrencyPermits part : concurrency) {
            if (part.inUse() != 0 || part.waiting != 0) {
                return false;
            }
        }
        for (RatePermits rate : rates) {
            if (!rate.idle(nowNanos)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tasks that hold a permit of this limit's concurrency now: the highest count among its concurrency parts
     * ({@code a.and(b)}: of {@code a} and of {@code b}, which other users may share); 0 without one. For a limit of
     * 64 or more, whose threads keep a few permits ready each, it is the sum of the permits the threads hold, read at
     * one moment: permits ready but not held are not counted.
     *
     * @return the permits in use, 0 or more
     */
    public int inUse() {
        int most = 0;
        for (ConcurrencyPermits part : concurrency) {
            most = Math.max(most, part.inUse());
        }
        return most;
    }

    /**
     * The starts within the last window of this limit's rate (the highest count among its rate parts); 0 without
     * one.
     *
     * @return the starts in the current window, 0 or more
     */
    public int recentStarts() {
        return recentStarts(System.nanoTime());
    }

    int recentStarts(long nowNanos) {
        int most = 0;
        for (RatePermits rate : rates) {
            most = Math.max(most, rate.startsSince(nowNanos));
        }
        return most;
    }

    /**
     * The tasks waiting for this limit now, as the runs that use it report them (the highest count among its
     * parts).
     *
     * @return the waiting tasks, 0 or more
     */
    public int waiting() {
        int most = 0;
        for (ConcurrencyPermits part : concurrency) {
            most = Math.max(most, part.waiting);
        }
        for (RatePermits rate : rates) {
            most = Math.max(most, rate.waiting);
        }
        return most;
    }

    /**
     * The most tasks at once this limit allows (the lowest among its concurrency parts), or
     * {@link Integer#MAX_VALUE} without one.
     *
     * @return the concurrency, at least 1
     */
    public int maxConcurrency() {
        int least = Integer.MAX_VALUE;
        for (ConcurrencyPermits part : concurrency) {
            least = Math.min(least, part.max);
        }
        return least;
    }

    /**
     * Describes the settings, for logs.
     *
     * @return for instance {@code TaskLimit[concurrency 8 and rate 20 per 1.0 s]}
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (ConcurrencyPermits part : concurrency) {
            parts.add("concurrency " + part.max);
        }
        for (RatePermits rate : rates) {
            parts.add("rate " + rate.permits + " per " + Durations.format(Duration.ofNanos(rate.perNanos)));
        }
        return "TaskLimit[" + String.join(" and ", parts) + "]";
    }

}
