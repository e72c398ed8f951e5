package io.github.parallelized;

import java.util.Arrays;

/**
 * At most {@link #permits} starts in any window of {@link #perNanos}: a ring of the last {@code permits} start
 * times, oldest at {@link #head} once full, so that the next start is due at {@code oldest + per}. Guarded by
 * its monitor.
 */
final class RatePermits extends LimitPart {
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

    RatePermits(int permits, long perNanos) {
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
