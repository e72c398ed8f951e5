package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one-shot wake-ups of a {@link ConcurrencyPermits}: a waiter for a permit registers one, and the next release
 * runs it (and every wake-up registered before that release). Kept in the permits' own object (a superclass, not a
 * field): a key's copy of a limit costs a few dozen bytes, and the queue is made only at its first wait.
 */
abstract class PermitWakeups extends LimitPart {
    static final VarHandle WAITERS = VarHandles.field(MethodHandles.lookup(), PermitWakeups.class, "waiters",
            ConcurrentLinkedQueue.class);

    /** One-shot wake-ups, run at the next release; null until the first wait. */
    private volatile ConcurrentLinkedQueue<Runnable> waiters;
    /** A give-back under a rate's lock left its wake-ups to run (see {@link #wakeDeferred()}). */
    private volatile boolean wakeDue;

    /** The wake-ups to run at the next release: made at the first wait. */
    ConcurrentLinkedQueue<Runnable> waiters() {
        ConcurrentLinkedQueue<Runnable> queue = waiters;
        if (queue == null) {
            ConcurrentLinkedQueue<Runnable> made = new ConcurrentLinkedQueue<>();
            queue = WAITERS.compareAndSet(this, null, made) ? made : waiters;
        }
        return queue;
    }

    /** Whether a wake-up is registered: someone waits for a release. */
    boolean awaited() {
        ConcurrentLinkedQueue<Runnable> queue = waiters;
        return queue != null && !queue.isEmpty();
    }

    /** After a release: runs the wake-ups registered before it now, or, with {@code now} false, leaves them due. */
    void released(boolean now) {
        if (now) {
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

    /** The end of the wake-ups one release runs; another release's mark, met on the way, runs as a no-op. */
    static final class Mark implements Runnable {
        @Override
        public void run() {
        }
    }
}
