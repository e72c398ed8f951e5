package io.github.parallelized;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loops of a run on virtual threads, started as inputs come, not all at start(): numThreads(1_000_000) over a
 * hundred inputs starts a hundred at most. Until the consumer waits for outcomes, a loop that admitted an input
 * starts one more ({@link Crew#grow}); once it waits, the consumer starts them ({@link #consumerStarts}), much
 * faster, and off the carriers that run the tasks. (Two per loop made a tree that started a fifth of 10,000 loops
 * on the carriers before a consumer that came at once took over: at 0.84x of the JDK's per-task executor, against
 * 0.89x with one, same JVM, rounds interleaved.) A run whose consumer does not iterate still gets its loops, one
 * start after another.
 *
 * <p>Here too: how many were created, and their one decorated body. Without a decorator each loop is its thread's
 * body; with one, each launch is queued, and the decorated body runs the loop of the next launch it takes, on
 * whichever thread the decorator runs it (one that hands it to another thread too): the run's decorator is called
 * once, on the thread that starts the run (it may capture that thread's context), not once per virtual thread.
 */
final class Growth {

    /** The launches of loops that no decorated body has taken yet. */
    private final ConcurrentLinkedQueue<Launch<?, ?>> launched = new ConcurrentLinkedQueue<>();
    /** What the decorator wraps: runs the loop of the next launch not yet taken. */
    final Runnable body = new Runnable() {
        @Override
        public void run() {
            for (Launch<?, ?> next = launched.poll(); next != null; next = launched.poll()) {
                if (next.take()) {
                    next.worker.body.run();
                    return;
                }
            }
        }
    };

    /** How many loops the consumer starts before it looks for outcomes again, and ahead of an unsized source. */
    static final int AHEAD = 1024;

    final AtomicInteger created = new AtomicInteger();
    /** The decorated body, or {@link #body} itself without a decorator. */
    final Runnable decorated;
    /** The source's size, or -1 when unknown. */
    private final long sourceSize;
    /**
     * The most loops worth starting: the window (at most that many inputs are admitted and not yet consumed, and
     * loops stay until the source is drained, so more could never all be busy), and no more than a sized source has
     * inputs.
     */
    private final long most;
    /** Set once the consumer starts loops itself (see {@link #consumerStarts}): the loops then start none. */
    volatile boolean consumerGrows;

    Growth(RunConfig config, long sourceSize, int window) {
        this.decorated = Launch.decorate(config, body);
        this.sourceSize = sourceSize;
        this.most = sourceSize >= 0 ? Math.min(window, sourceSize) : window;
    }

    /** Queues a launch for the decorated body, which the launch runs next. */
    void queue(Launch<?, ?> launch) {
        launch.queued();
        launched.add(launch);
    }

    /** The number of the next loop to start; -1 once {@code max} or {@link #most} are, or admission closed. */
    int next(int max, Admission<?> admission) {
        int count = created.get();
        if (count >= max || count >= most || admission.isClosed() || !created.compareAndSet(count, count + 1)) {
            return -1;
        }
        return count;
    }

    /**
     * The consumer found no outcome to take, so every loop is busy: it starts more loops itself, as the JDK's
     * per-task executor is fed by its caller's thread while the carriers run the tasks (loops starting each other
     * made the carriers do both, at about half the pace), and from now on the loops leave the starting to it.
     * Returns how many loops may be started by then: {@link #most}, and from an unsized source no more than {@link
     * #AHEAD} past the inputs admitted (it may block: loops started for nothing would wait for its read).
     */
    long consumerStarts(long admitted) {
        if (!consumerGrows) {
            consumerGrows = true;
        }
        return sourceSize >= 0 ? most : Math.min(most, admitted + AHEAD);
    }
}
