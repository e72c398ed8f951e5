package io.github.parallelized;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lazily started loops of a run on virtual threads (see {@link Crew#grow}): how many were created, and their
 * one decorated body, which finds the loop to run through {@link Worker#CURRENT}, set by the launch: the run's
 * decorator is called once, on the thread that starts the run (it may capture that thread's context), not once per
 * virtual thread. The worker's own thread-local serves, rather than one more: a thread's first thread-local costs
 * it a table, and a run on 10,000 virtual threads makes as many.
 */
final class Growth {

    static final Runnable BODY = () -> Worker.CURRENT.get().body.run();

    final AtomicInteger created = new AtomicInteger();
    final Runnable decorated;

    Growth(Runnable decorated) {
        this.decorated = decorated;
    }
}
