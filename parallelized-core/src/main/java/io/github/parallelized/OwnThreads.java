package io.github.parallelized;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a run's own (daemon platform threads, or virtual threads), started one per loop, and joined with
 * a bound when the run closes.
 */
final class OwnThreads {

    private final ThreadFactory factory;
    /** A queue, not a copy-on-write list: 10,000 virtual threads added one by one copied 50 million references. */
    private final ConcurrentLinkedQueue<Thread> started = new ConcurrentLinkedQueue<>();

    OwnThreads(RunConfig config, String runId) {
        String prefix = config.threadNamePrefix() + runId + "-";
        this.factory = config.virtualThreads() ? VirtualThreads.factory(prefix) : new DaemonThreads(prefix);
    }

    /** Starts a thread that runs the loop; throws what the factory or the start throws. */
    void start(Runnable loop) {
        Thread thread = factory.newThread(loop);
        started.add(thread);
        thread.start();
    }

    /**
     * Joins the threads until {@code deadline} (of {@link System#nanoTime()}); false when the deadline passed or
     * the caller was interrupted (its flag kept).
     */
    boolean join(long deadline) {
        for (Thread thread : started) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
