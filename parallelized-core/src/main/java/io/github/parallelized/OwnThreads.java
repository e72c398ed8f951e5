package io.github.parallelized;

import java.util.concurrent.ThreadFactory;

/**
 * The threads of a run's own (daemon platform threads, or virtual threads), started one per loop. They are not
 * kept: the crew knows when their loops have left by its count of live loops (joining 10,000 virtual threads one
 * by one, and listing them, cost a run on virtual threads a tenth of its processor time).
 */
final class OwnThreads {

    private final ThreadFactory factory;

    OwnThreads(RunConfig config, String runId) {
        String prefix = config.threadNamePrefix() + runId + "-";
        this.factory = config.virtualThreads() ? VirtualThreads.factory(prefix + "virtual") : new DaemonThreads(prefix);
    }

    /**
     * Starts a thread that runs the worker's loop; throws what the factory or the start throws. A virtual thread
     * whose body is the bare loop (see {@link Worker#enter}) gets the worker as its uncaught-exception handler.
     */
    void start(Worker<?, ?> worker) {
        Thread thread = factory.newThread(worker.launch);
        if (worker.bareLoop()) {
            thread.setUncaughtExceptionHandler(worker);
        }
        thread.start();
    }
}
