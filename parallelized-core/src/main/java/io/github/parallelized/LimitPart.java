package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One set of permits of a {@link TaskLimit} ({@link ConcurrencyPermits} or {@link RatePermits}), shared by every
 * limit that contains it.
 */
abstract class LimitPart {
    static final VarHandle WAITING = VarHandles.field(MethodHandles.lookup(), LimitPart.class, "waiting", int.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** Orders the parts: their locks are taken in this order. */
    final long id = IDS.getAndIncrement();
    /** Tasks waiting for a view that contains this part, as the engine reports them. */
    volatile int waiting;
}
