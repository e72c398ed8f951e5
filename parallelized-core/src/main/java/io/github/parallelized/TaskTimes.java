package io.github.parallelized;

import java.time.Duration;

/**
 * A log-linear histogram of task times, written by one worker at a time and merged for the summary:
 * 8 buckets per power of two, so a percentile is off by at most 12.5%, in constant memory.
 */
final class TaskTimes {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

    private final long[] counts = new long[BUCKETS];
    private long max;
    private long count;

    void record(long nanos) {
        long n = Math.max(0, nanos);
        counts[index(n)]++;
        count++;
        if (n > max) {
            max = n;
        }
    }

    void addTo(TaskTimes total) {
        for (int i = 0; i < BUCKETS; i++) {
            total.counts[i] += counts[i];
        }
        total.count += count;
        total.max = Math.max(total.max, max);
    }

    Duration max() {
        return Duration.ofNanos(max);
    }

    /** The upper bound of the bucket holding the given percentile (capped at the exact maximum). */
    Duration percentile(double p) {
        if (count == 0) {
            return Duration.ZERO;
        }
        long rank = (long) Math.ceil(p * count);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return Duration.ofNanos(Math.min(max, upperBound(i)));
            }
        }
        return Duration.ofNanos(max);
    }

    static int index(long n) {
        if (n < SUB) {
            return (int) n;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(n);
        int sub = (int) (n >>> (magnitude - SUB_BITS)) & (SUB - 1);
        return (magnitude - SUB_BITS + 1) * SUB + sub;
    }

    static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int magnitude = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long low = (1L << magnitude) + ((long) sub << (magnitude - SUB_BITS));
        return low + (1L << (magnitude - SUB_BITS)) - 1;
    }
}
