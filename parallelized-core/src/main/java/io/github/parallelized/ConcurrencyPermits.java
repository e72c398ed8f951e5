package io.github.parallelized;

import static io.github.parallelized.PermitCells.CELLS;
import static io.github.parallelized.PermitCells.CLOSED;
import static io.github.parallelized.PermitCells.ONE_FREE;
import static io.github.parallelized.PermitCells.STRIDE;
import static io.github.parallelized.PermitCells.cell;
import static io.github.parallelized.PermitCells.held;
import static io.github.parallelized.PermitCells.leaseUnused;
import static io.github.parallelized.PermitCells.open;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * At most {@link #max} permits held at once. Plain fields with var handles rather than atomics, and the queue of
 * wake-ups ({@link PermitWakeups}) made at the first wait: a key's copy of a limit costs a few dozen bytes.
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
final class ConcurrencyPermits extends PermitWakeups {
    static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), ConcurrencyPermits.class, "state",
            long.class);
    /** The cells' words: elements of a {@code long[]}, one a {@link PermitCells#STRIDE}. */
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

    ConcurrencyPermits(int max, boolean striped) {
        this.max = max;
        boolean stripes = striped && max >= STRIPED_FROM;
        this.lease = stripes ? Math.min(32, max / 16) : 0;
        this.cells = stripes ? new long[(CELLS + 2) * STRIDE] : null;
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

    /**
     * True when an unstriped part has no permit free now: a refusal without taking anything. Never for a striped
     * part, whose unused leases a refusal must take back first (see the class comment).
     */
    boolean visiblyFull() {
        return cells == null && (int) (state & TAKEN) >= max;
    }

    /** The releases so far, modulo 2^32: only compared for a change. */
    long releases() {
        return state >>> 32;
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
        if (open(word) && leaseUnused(word) > 0 && CELL.compareAndSet(all, cell, word, word - ONE_FREE + 1)) {
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
        while (open(word) && leaseUnused(word) > 0) {
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
            settle(cell, true, !locked); // a thread refused meanwhile may have missed this lease: see the class comment
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
            if (pressed && awaited()) {
                return false;
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
            int free = leaseUnused(now);
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
            giveBack(1, true);
            return;
        }
        // one add, no compare: the permit goes to the cell's lease; the rare cases are put right after
        int cell = cell(thread);
        long was = (long) CELL.getAndAdd(all, cell, ONE_FREE - 1);
        if (!open(was) || leaseUnused(was) >= lease || (state & PRESSURE) != 0) {
            settle(cell, open(was), true);
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
     * them first; an open one closes under {@link #PRESSURE}, else gives back only its lease beyond the size
     * (waking as {@link #giveBack} does).
     */
    private void settle(int cell, boolean open, boolean wake) {
        int back = !open || (state & PRESSURE) != 0 ? close(cell) : trim(cell);
        if (back > 0) {
            giveBack(back, wake);
        }
    }

    /** Takes the unused permits beyond a lease from an open cell: how many. */
    private int trim(int cell) {
        while (true) {
            long now = word(cell);
            int free = leaseUnused(now);
            if (!open(now) || free <= lease) {
                return 0;
            }
            if (CELL.compareAndSet(cells, cell, now, now - (free - lease) * ONE_FREE)) {
                return free - lease;
            }
        }
    }

    /**
     * Gives {@code permits} back to the shared count (a release) and runs the wake-ups registered before it; with
     * {@code wake} false (under a rate's lock, where no wake-up may run), the wake-ups are left to {@link
     * #wakeDeferred()}, which the taker calls once unlocked.
     */
    private void giveBack(int permits, boolean wake) {
        STATE.getAndAdd(this, permits == 1 ? RELEASE : ONE_RELEASE - permits);
        released(wake);
    }
}
