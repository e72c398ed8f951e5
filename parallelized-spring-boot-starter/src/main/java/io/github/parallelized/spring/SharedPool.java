package io.github.parallelized.spring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;

/**
 * The bounded pool that the runs of the factory share, the application's bulkhead: at most {@code limit} tasks
 * of all runs together execute at once. Platform threads: {@code limit} threads, started on demand and kept.
 * Virtual threads: a limit on how many virtual threads run at once, each started on demand and ending when it
 * finds no work (not a fixed pool of them). Runs submit worker loops that give their thread back every few
 * milliseconds, so runs take turns on it. Kept out of the context as an {@code ExecutorService} bean on purpose:
 * such a bean would turn off Spring Boot's own task executor. Thread-safe.
 */
final class SharedPool implements DisposableBean {

    private final ThreadPoolExecutor executor;
    /** Every thread the pool made, so that shutdown can wait for them to die, not only to leave their work. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    private final int limit;

    SharedPool(int limit, boolean virtual, ThreadFactory threadFactory) {
        this.limit = limit;
        this.executor = new ThreadPoolExecutor(limit, limit, virtual ? 1 : 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = threadFactory.newThread(runnable);
                    threads.removeIf(old -> !old.isAlive());
                    threads.add(thread);
                    return thread;
                });
        // a virtual thread is cheap to start and nothing to keep: a limit, not a pool
        this.executor.allowCoreThreadTimeOut(virtual);
    }

    ExecutorService executor() {
        return executor;
    }

    /** The executor itself, for its meters. */
    ThreadPoolExecutor threadPool() {
        return executor;
    }

    /** The most tasks all runs together execute at once. */
    int limit() {
        return limit;
    }

    /** The threads that are running worker loops now (an estimate, as {@link ThreadPoolExecutor#getActiveCount()}). */
    int inUse() {
        return executor.getActiveCount();
    }

    /** Whether the pool has been shut down and takes no more work. */
    boolean isStopped() {
        return executor.isShutdown();
    }

    /**
     * Stops the pool: work already queued still runs (a cancelled run's loops leave at once), then the threads
     * end; past the deadline the threads are interrupted.
     *
     * @return true if every thread ended
     */
    boolean shutdown(long deadlineNanos) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
                deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            }
            // a terminated pool's threads may still be on their way out
            for (Thread thread : threads) {
                long left = deadlineNanos - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
            }
            threads.removeIf(thread -> !thread.isAlive());
            return threads.isEmpty();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void destroy() {
        shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
    }
}
