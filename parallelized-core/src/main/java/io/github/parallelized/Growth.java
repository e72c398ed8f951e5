package io.github.parallelized;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lazily started loops of a run on virtual threads (see {@link Crew#grow()}): how many were created, and their
 * one decorated body, which finds the loop to run in {@link #LAUNCHING}: the run's decorator is called once, on the
 * thread that starts the run (it may capture that thread's context), not once per virtual thread.
 */
final class Growth {

    /** The loop a lazily started thread runs: the shared decorated body finds it here. */
    static final ThreadLocal<Loop<?, ?>> LAUNCHING = new ThreadLocal<>();
    static final Runnable BODY = () -> LAUNCHING.get().run();

    final AtomicInteger created = new AtomicInteger();
    final Runnable decorated;

    Growth(Runnable decorated) {
        this.decorated = decorated;
    }
}
