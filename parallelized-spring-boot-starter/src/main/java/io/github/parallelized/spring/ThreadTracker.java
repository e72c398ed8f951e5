package io.github.parallelized.spring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the threads that the runs start for themselves ({@code pool: per-run}), so that shutdown can wait
 * until they are gone. A thread is forgotten only once it has died, never when its work returns, so that
 * {@link #join(long)} cannot miss a thread that is still ending. Thread-safe.
 */
final class ThreadTracker {

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    Runnable track(Runnable runnable) {
        return () -> {
            threads.removeIf(thread -> !thread.isAlive());
            threads.add(Thread.currentThread());
            runnable.run();
        };
    }

    /**
     * Waits for the tracked threads to die, up to the deadline.
     *
     * @return true if none is left alive
     */
    boolean join(long deadlineNanos) {
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.removeIf(thread -> !thread.isAlive());
        return threads.isEmpty();
    }
}
