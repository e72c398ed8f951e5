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
     * For maintainers. A TaskLimit is a view of one or more parts, each a Concurrency (a counter) or a Rate (a
     * ring of start times under its monitor); and() makes a view of both sets of parts, so the parts are the shared
     * state. tryAcquire takes the permits of every part or of none:
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

    private static final AtomicLong IDS = new AtomicLong();

    private final Concurrency[] concurrency;
    /** Sorted by id: the order in which their locks are taken. */
    private final Rate[] rates;

    /** The copies of this limit per key value, made at the first {@code limitPerKey} that uses it as template. */
    private volatile KeyedLimits.Copies copies;

    private TaskLimit(Concurrency[] concurrency, Rate[] rates) {
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
        return new TaskLimit(new Concurrency[] {new Concurrency(max, true)}, new Rate[0]);
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
        return new TaskLimit(new Concurrency[0], new Rate[] {new Rate(permits, per.toNanos())});
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
        return new TaskLimit(union(concurrency, other.concurrency, Concurrency[]::new),
                union(rates, other.rates, Rate[]::new));
    }

    private static <P extends Part> P[] union(P[] a, P[] b, java.util.function.IntFunction<P[]> array) {
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
        Concurrency[] c = new Concurrency[concurrency.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = new Concurrency(concurrency[i].max, false);
        }
        Rate[] r = new Rate[rates.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new Rate(rates[i].permits, rates[i].perNanos);
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
            for (Concurrency part : concurrency) {
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
        for (Rate rate : rates) {
            wait = Math.max(wait, rate.due(nowNanos));
        }
        if (wait > 0) {
            return wait;
        }
        for (Rate rate : rates) {
            rate.record(nowNanos);
        }
        return 0;
    }

    /** Takes a permit of each concurrency part: 0, or {@code -(k + 1)} when part {@code k} is full. */
    private long takeConcurrency(int thread, boolean locked) {
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
        for (Concurrency part : concurrency) {
            part.releaseAny();
        }
    }

    /** Gives back the permits of a {@link #tryAcquire(long, int)} for the same thread number. */
    void release(int thread) {
        for (Concurrency part : concurrency) {
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
        for (Concurrency part : concurrency) {
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
        for (Concurrency part : concurrency) {
            part.waiters().add(wakeUp);
        }
        if (releases() != seen) {
            for (Concurrency part : concurrency) {
                part.waiters().remove(wakeUp);
            }
            return false;
        }
        return true;
    }

    /** The permits free now: the fewest among the concurrency parts; {@link Integer#MAX_VALUE} without one. */
    int freePermits() {
        int least = Integer.MAX_VALUE;
        for (Concurrency part : concurrency) {
            least = Math.min(least, part.free());
        }
        return Math.max(0, least);
    }

    /** Counts tasks that begin ({@code +1}) or end ({@code -1}) waiting for this limit, for {@link #waiting()}. */
    void waiting(int delta) {
        for (Concurrency part : concurrency) {
            Part.WAITING.getAndAdd(part, delta);
        }
        for (Rate rate : rates) {
            Part.WAITING.getAndAdd(rate, delta);
        }
    }

    /**
     * Whether a copy of this limit could be forgotten now and made again without letting more tasks through: no
     * permit held, no task waiting, no start within its rate windows.
     */
    boolean idle(long nowNanos) {
        for (Concurrency part : concurrency) {
            if (part.inUse() != 0 || part.waiting != 0) {
                return false;
            }
        }
        for (Rate rate : rates) {
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
        for (Concurrency part : concurrency) {
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
        for (Rate rate : rates) {
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
        for (Concurrency part : concurrency) {
            most = Math.max(most, part.waiting);
        }
        for (Rate rate : rates) {
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
        for (Concurrency part : concurrency) {
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
        for (Concurrency part : concurrency) {
            parts.add("concurrency " + part.max);
        }
        for (Rate rate : rates) {
            parts.add("rate " + rate.permits + " per " + Durations.format(Duration.ofNanos(rate.perNanos)));
        }
        return "TaskLimit[" + String.join(" and ", parts) + "]";
    }

    /** One set of permits, shared by every view that contains it. */
    private abstract static class Part {
        static final VarHandle WAITING = VarHandles.field(MethodHandles.lookup(), Part.class, "waiting", int.class);

        final long id = IDS.getAndIncrement();
        /** Tasks waiting for a view that contains this part, as the engine reports them. */
        volatile int waiting;
    }

    /**
     * At most {@link #max} permits held at once. Plain fields with var handles rather than atomics, and the queue of
     * wake-ups made at the first wait: a key's copy of a limit costs a few dozen bytes.
     *
     * <p>Striped (a limit made with a {@code max} of {@link #STRIPED_FROM} or more, not a key's copy): a thread takes
     * and gives back its permits in a cell of the thread's number ({@link TaskLimit#thread()}), a word on lines of its
     * own, from a lease of a few permits that the cell took from the shared count: a compare-and-set to take, an add
     * to give back, on a line no other worker writes. Unstriped, two workers that run at once take turns at one line
     * twice a task: {@code LimitContention} (core test sources) measures about 35 ns a permit taken and given back
     * that way, 3 ns striped. A permit goes back to the cell it was taken from, whichever thread gives it back (the
     * engine keeps the number with the attempt). Near full, a striped limit works as an unstriped one, with an
     * atomic operation more on each side.
     * The rules that keep the lease honest:
     * <ul>
     *   <li>the shared count ({@link #state}) counts the permits held and those leased to cells, so it never exceeds
     *   {@code max}; {@link #inUse()} is the sum of the permits the cells hold (a lease unused is not in use);</li>
     *   <li>a cell leases only while the shared count stays at or below half of {@code max} and no one is refused;
     *   beyond that, a thread takes single permits from the shared count, as an unstriped limit does;</li>
     *   <li>refused by a full shared count, a thread raises {@link #PRESSURE}, closes every cell and takes back its
     *   unused lease (a give-back, which wakes waiters), then tries once more: a refusal is never caused by a lease
     *   unused;</li>
     *   <li>while {@link #PRESSURE} is up no cell leases, and a permit given back to a closed cell goes on to the
     *   shared count (whoever takes a closed cell's unused permits first gives them back); a thread that gives a
     *   permit back into its open cell, or fills it with a lease, looks at {@link #PRESSURE} after that and, if it is
     *   up, closes its cell and gives its lease back. Both sides write first and read second, so either the thread
     *   sees the pressure or the refused one's closing takes its permit;</li>
     *   <li>a cell keeps at most a lease unused: a permit taken from the shared count beyond it goes back there;</li>
     *   <li>{@link #PRESSURE} is lowered by a thread about to lease when the shared count is down to a quarter of
     *   {@code max} and no wake-up is registered (a waiter registers with the releases it saw, and lowering needs
     *   releases after its refusal).</li>
     * </ul>
     */
    private static final class Concurrency extends Part {
        static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), Concurrency.class, "state",
                long.class);
        /** The cells' words: elements of a {@code long[]}, one a {@link #STRIDE}. */
        static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
        /** A release: one permit less in use (the low half), one release more (the high half), in one add. */
        private static final long RELEASE = (1L << 32) - 1;
        /** One release more. */
        private static final long ONE_RELEASE = 1L << 32;
        /** The permits taken (held or leased), in the low half of {@link #state}. */
        private static final long TAKEN = 0x7FFF_FFFFL;
        /** Bit 31 of {@link #state}: a thread was refused lately, so no cell leases. */
        private static final long PRESSURE = 1L << 31;
        /** The smallest {@code max} striped: below it, a cell's lease would be a large share of the limit. */
        static final int STRIPED_FROM = 64;
        /** The cells of a striped limit: a power of two, four a processor, 4 to 64. */
        private static final int CELLS = Math.max(4, Math.min(64,
                Integer.highestOneBit(Math.max(1, 4 * Runtime.getRuntime().availableProcessors() - 1)) << 1));
        /** Longs from one cell's word to the next: two cache lines (an adjacent-line prefetch shares none). */
        private static final int STRIDE = 16;
        /** A cell's word: the permits it holds (bits 0-31), its lease unused (bits 32-62), closed (bit 63). */
        private static final long ONE_FREE = 1L << 32;
        private static final long CLOSED = 1L << 63;
        static final VarHandle WAITERS = VarHandles.field(MethodHandles.lookup(), Concurrency.class, "waiters",
                ConcurrentLinkedQueue.class);

        final int max;
        /** Permits a cell leases at once; 0 when not striped. */
        private final int lease;
        /**
         * The cells' words at {@code (i + 1) * STRIDE} for cell {@code i}, padded at both ends; null when not
         * striped. One array of longs rather than objects: a load less between a thread and its cell.
         */
        private final long[] cells;
        /**
         * The permits taken (bits 0-30: held, or leased to a cell), {@link #PRESSURE} (bit 31) and the releases so
         * far (high 32 bits), in one word: unstriped, an attempt costs one compare-and-set to take and one add to
         * give back, on a line that runs sharing the limit contend for.
         */
        private volatile long state;
        /** One-shot wake-ups, run at the next release; null until the first wait. */
        private volatile ConcurrentLinkedQueue<Runnable> waiters;
        /** A give-back under a rate's lock left its wake-ups to run (see {@link #wakeDeferred()}). */
        private volatile boolean wakeDue;

        Concurrency(int max, boolean striped) {
            this.max = max;
            boolean stripes = striped && max >= STRIPED_FROM;
            this.lease = stripes ? Math.min(32, max / 16) : 0;
            this.cells = stripes ? new long[(CELLS + 2) * STRIDE] : null;
        }

        private static int cell(int thread) {
            return ((thread & (CELLS - 1)) + 1) * STRIDE;
        }

        private static int held(long word) {
            return (int) word;
        }

        private static int free(long word) {
            return (int) ((word & ~CLOSED) >>> 32);
        }

        private static boolean open(long word) {
            return (word & CLOSED) == 0;
        }

        private long word(int cell) {
            return (long) CELL.getVolatile(cells, cell);
        }

        /** The permits held by tasks now: the sum of the cells' when striped (a moment's reading). */
        int inUse() {
            if (cells == null) {
                return (int) (state & TAKEN);
            }
            long sum = 0;
            for (int i = 0; i < CELLS; i++) {
                sum += held(word(cell(i)));
            }
            return (int) Math.max(0, Math.min(max, sum));
        }

        /** The permits neither held nor leased. */
        int free() {
            return max - (int) (state & TAKEN);
        }

        /** The releases so far, modulo 2^32: only compared for a change. */
        long releases() {
            return state >>> 32;
        }

        ConcurrentLinkedQueue<Runnable> waiters() {
            ConcurrentLinkedQueue<Runnable> queue = waiters;
            if (queue == null) {
                ConcurrentLinkedQueue<Runnable> made = new ConcurrentLinkedQueue<>();
                queue = WAITERS.compareAndSet(this, null, made) ? made : waiters;
            }
            return queue;
        }

        /**
         * Takes a permit, for the thread of number {@code thread} (its cell when striped). {@code locked}: under a
         * rate's lock, so that a give-back on the way (a lease taken back) leaves its wake-ups to
         * {@link #wakeDeferred()}.
         */
        boolean tryTake(int thread, boolean locked) {
            long[] all = cells;
            if (all == null) {
                return takeShared();
            }
            // the fast path kept small, so that it is inlined into the engine's attempt
            int cell = cell(thread);
            long word = (long) CELL.getVolatile(all, cell);
            if (open(word) && free(word) > 0 && CELL.compareAndSet(all, cell, word, word - ONE_FREE + 1)) {
                return true;
            }
            return takeSlowly(cell, locked);
        }

        /** Unstriped, or a cell without a lease: one permit of the shared count. */
        private boolean takeShared() {
            while (true) {
                long now = state;
                if ((int) (now & TAKEN) >= max) {
                    return false;
                }
                if (STATE.compareAndSet(this, now, now + 1)) {
                    return true;
                }
            }
        }

        private boolean takeSlowly(int cell, boolean locked) {
            long word = word(cell);
            while (open(word) && free(word) > 0) {
                if (CELL.compareAndSet(cells, cell, word, word - ONE_FREE + 1)) {
                    return true;
                }
                word = word(cell);
            }
            if (takeLease()) {
                long now;
                do {
                    now = word(cell);
                } while (!CELL.compareAndSet(cells, cell, now, (now & ~CLOSED) + (lease - 1) * ONE_FREE + 1));
                // a thread refused meanwhile may have missed this lease: see the class comment
                int back = (state & PRESSURE) != 0 ? close(cell) : trim(cell);
                if (back > 0) {
                    giveBack(back, !locked);
                }
                return true;
            }
            // full: the unused leases are taken back before a refusal, so none is refused for a lease unused
            if (takeShared() || reclaim(locked) > 0 && takeShared()) {
                CELL.getAndAdd(cells, cell, 1L);
                return true;
            }
            return false;
        }

        /** Takes a lease for a cell from the shared count, if far enough from full: see the class comment. */
        private boolean takeLease() {
            while (true) {
                long now = state;
                long taken = now & TAKEN;
                boolean pressed = (now & PRESSURE) != 0;
                if (taken + lease > (pressed ? max / 4 : max / 2)) {
                    return false;
                }
                if (pressed) {
                    ConcurrentLinkedQueue<Runnable> queue = waiters;
                    if (queue != null && !queue.isEmpty()) {
                        return false;
                    }
                }
                if (STATE.compareAndSet(this, now, (now & ~PRESSURE) + lease)) {
                    return true;
                }
            }
        }

        /** Raises {@link #PRESSURE}, closes every cell and gives back their unused leases: how many. */
        private int reclaim(boolean locked) {
            while (true) {
                long now = state;
                if ((now & PRESSURE) != 0 || STATE.compareAndSet(this, now, now | PRESSURE)) {
                    break;
                }
            }
            int back = 0;
            for (int i = 0; i < CELLS; i++) {
                back += close(cell(i));
            }
            if (back > 0) {
                giveBack(back, !locked);
            }
            return back;
        }

        /** Closes a cell and takes its unused lease: how many permits. */
        private int close(int cell) {
            while (true) {
                long now = word(cell);
                int free = free(now);
                if (!open(now) && free == 0) {
                    return 0;
                }
                if (CELL.compareAndSet(cells, cell, now, CLOSED | held(now))) {
                    return free;
                }
            }
        }

        /** Gives back a permit taken by {@link #tryTake} for the thread of number {@code thread}. */
        void release(int thread) {
            long[] all = cells;
            if (all == null) {
                giveBack(1);
                return;
            }
            // one add, no compare: the permit goes to the cell's lease; the rare cases are put right after
            int cell = cell(thread);
            long was = (long) CELL.getAndAdd(all, cell, ONE_FREE - 1);
            if (!open(was) || free(was) >= lease || (state & PRESSURE) != 0) {
                settle(cell, open(was));
            }
        }

        /**
         * Gives back a permit taken by the current thread or, if its cell holds none, by another (a caller who
         * releases on another thread than it took on, without the thread's number).
         */
        void releaseAny() {
            if (cells != null && held(word(cell(TaskLimit.thread()))) == 0) {
                for (int i = 0; i < CELLS; i++) {
                    if (held(word(cell(i))) > 0) {
                        release(i);
                        return;
                    }
                }
            }
            release(TaskLimit.thread());
        }

        /**
         * After permits went to a cell that was closed ({@code open} false), or whose lease is whole, or while a
         * thread was refused: its unused permits go back to the shared count. A closed cell's are whoever's takes
         * them first; an open one closes under {@link #PRESSURE}, else gives back only its lease beyond the size.
         */
        private void settle(int cell, boolean open) {
            int back = !open || (state & PRESSURE) != 0 ? close(cell) : trim(cell);
            if (back > 0) {
                giveBack(back);
            }
        }

        /** Takes the unused permits beyond a lease from an open cell: how many. */
        private int trim(int cell) {
            while (true) {
                long now = word(cell);
                int free = free(now);
                if (!open(now) || free <= lease) {
                    return 0;
                }
                if (CELL.compareAndSet(cells, cell, now, now - (free - lease) * ONE_FREE)) {
                    return free - lease;
                }
            }
        }

        /** Gives {@code permits} back to the shared count (a release) and runs the wake-ups registered before it. */
        private void giveBack(int permits) {
            giveBack(permits, true);
        }

        /**
         * As {@link #giveBack(int)}; with {@code wake} false (under a rate's lock, where no wake-up may run), the
         * wake-ups are left to {@link #wakeDeferred()}, which the taker calls once unlocked.
         */
        private void giveBack(int permits, boolean wake) {
            STATE.getAndAdd(this, permits == 1 ? RELEASE : ONE_RELEASE - permits);
            if (wake) {
                wake();
            } else {
                wakeDue = true;
            }
        }

        /** Runs the wake-ups that a give-back under a rate's lock left, if any. */
        void wakeDeferred() {
            if (wakeDue) {
                wakeDue = false;
                wake();
            }
        }

        /** Runs the wake-ups registered before now. */
        private void wake() {
            ConcurrentLinkedQueue<Runnable> queue = waiters;
            if (queue != null && !queue.isEmpty()) {
                // one-shot: only the wake-ups registered before this release run; one that registers again (a
                // waiter still waiting) goes behind the mark and waits for the next release
                Runnable mark = new Mark();
                queue.add(mark);
                Runnable waiter;
                while ((waiter = queue.poll()) != null && waiter != mark) {
                    try {
                        waiter.run();
                    } catch (RuntimeException e) {
                        // a wake-up is the engine's own unpark; one that fails must not stop the others
                    }
                }
            }
        }
    }

    /** The end of the wake-ups one release runs; another release's mark, met on the way, runs as a no-op. */
    private static final class Mark implements Runnable {
        @Override
        public void run() {
        }
    }

    /**
     * At most {@link #permits} starts in any window of {@link #perNanos}: a ring of the last {@code permits} start
     * times, oldest at {@link #head} once full, so that the next start is due at {@code oldest + per}. Guarded by
     * its monitor.
     */
    private static final class Rate extends Part {
        final int permits;
        final long perNanos;
        /** Grows as starts happen, up to {@link #permits}: a rarely used limit costs little. */
        private long[] starts = new long[0];
        /** Starts recorded, up to {@link #permits}; below it, the next slot to fill. */
        private int used;
        /** Once full: the slot of the oldest start, the next to be replaced. */
        private int head;
        /** The latest recorded start: times are recorded in order even if callers read their clocks out of order. */
        private long newest;

        Rate(int permits, long perNanos) {
            this.permits = permits;
            this.perNanos = perNanos;
        }

        /** Nanoseconds until the next start is allowed, 0 if now. Under the lock. */
        long due(long now) {
            if (used < permits) {
                return 0;
            }
            long wait = starts[head] + perNanos - now;
            return Math.max(0, wait);
        }

        /** Records a start at {@code now} (or at the newest start, if later). Under the lock, after {@link #due}. */
        void record(long now) {
            long at = used == 0 || now - newest > 0 ? now : newest;
            if (used < permits) {
                if (used == starts.length) {
                    starts = Arrays.copyOf(starts, (int) Math.min(permits, Math.max(4L, 2L * used)));
                }
                starts[used++] = at;
            } else {
                starts[head] = at;
                head = head + 1 == permits ? 0 : head + 1;
            }
            newest = at;
        }

        synchronized boolean idle(long now) {
            return waiting == 0 && (used == 0 || now - newest >= perNanos);
        }

        synchronized int startsSince(long now) {
            int count = 0;
            for (int i = 0; i < used; i++) {
                if (now - starts[i] < perNanos) {
                    count++;
                }
            }
            return count;
        }
    }
}
