package io.github.parallelized.hazelcast;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;


import com.hazelcast.internal.util.ConcurrencyUtil;

/**
 * Hazelcast completes its internal futures (among them every executor task's response, on the member that ran
 * it) on a default executor: the common pool, or, when the common pool has a parallelism of 1 (machines with 2
 * cores or fewer), a new thread per completion. That second case costs a thread start per task and made no-op
 * cluster tasks 10 to 30 times slower here (1,300-4,000 instead of 40,000+ tasks/s). In that case only, this
 * module installs a pool of its own in Hazelcast's place, once per JVM: a {@link ForkJoinPool} of 2 daemon
 * threads, which end when idle. Hazelcast's setting is an internal one; where the common pool already has 2 or
 * more threads nothing is changed.
 */
final class AsyncExecutor {

    private static final System.Logger LOG = System.getLogger(AsyncExecutor.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static Executor installed;

    private AsyncExecutor() {
    }

    static synchronized void installIfThreadPerTask() {
        if (installed != null || ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        installed = new ForkJoinPool(2, pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("parallelized-hazelcast-async-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, null, true);
        ConcurrencyUtil.setDefaultAsyncExecutor(installed);
        LOG.log(System.Logger.Level.INFO, "The common pool has one thread, so Hazelcast would start a thread per"
                + " completed future: its default async executor is now a pool of 2 threads"
                + " (parallelized-hazelcast-async-*)");
    }
}
