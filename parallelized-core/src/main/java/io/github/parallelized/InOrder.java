package io.github.parallelized;

import java.util.HashMap;
import java.util.Map;

/**
 * Puts outcomes back in submission order for {@link Parallelized.Builder#ordered()}: an outcome that finished
 * early waits in a ring indexed by its sequence number until those before it came. The admission window bounds how
 * far ahead of the next expected one an outcome can be, so the ring has the window's size (a power of two, at
 * most {@link #MAX_RING}; the rare outcome further ahead, with a larger window, waits in a map). No allocation
 * per outcome, and the one that comes in order passes straight through. Used by the consumer alone.
 */
final class InOrder {

    static final int MAX_RING = 1 << 16;

    private final Object[] ring;
    private final int mask;
    private final Map<Long, Object> farAhead = new HashMap<>();
    private int waiting;
    private long expected;

    InOrder(int window) {
        int size = Integer.highestOneBit(Math.max(1, Math.min(MAX_RING, window)));
        if (size < Math.min(MAX_RING, window)) {
            size <<= 1;
        }
        ring = new Object[size];
        mask = size - 1;
    }

    /** The outcome with sequence number {@code seq} came: the next in order if it is that one, else null. */
    Object arrived(long seq, Object outcome) {
        if (seq == expected) {
            expected++;
            return outcome;
        }
        if (seq - expected < ring.length) {
            ring[(int) (seq & mask)] = outcome;
        } else {
            farAhead.put(seq, outcome);
        }
        waiting++;
        return null;
    }

    /** The next outcome in order if it already came, else null. */
    Object ready() {
        if (waiting == 0) {
            return null;
        }
        int slot = (int) (expected & mask);
        Object next = ring[slot];
        if (next != null) {
            ring[slot] = null;
        } else if (farAhead.isEmpty() || (next = farAhead.remove(expected)) == null) {
            return null;
        }
        waiting--;
        expected++;
        return next;
    }

    /**
     * No more outcomes will come: the next one that waits, skipping the gaps that inputs given back at a stop
     * left (nothing that came is lost); null when none waits.
     */
    Object skipToNext() {
        if (waiting == 0) {
            return null;
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; i < ring.length; i++) {
            if (ring[(int) ((expected + i) & mask)] != null) {
                next = expected + i;
                break;
            }
        }
        for (long seq : farAhead.keySet()) {
            next = Math.min(next, seq);
        }
        expected = next;
        return ready();
    }
}
