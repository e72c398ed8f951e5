package io.github.parallelized.spring;

import java.time.Duration;
import java.util.List;

import io.github.parallelized.Parallelized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Ends the runs when the application context closes: gives running runs up to
 * {@code parallelized.shutdown.await-termination} to finish, cancels those still running, then waits (briefly)
 * until their threads and the shared pool's are gone. Runs that start meanwhile are cancelled at once.
 *
 * <p>Its phase is below the web server's graceful shutdown and above the web server's stop: requests in flight
 * finish first, then the runs, and only then do the beans the tasks may use (data sources, clients) close.
 */
final class RunShutdown implements SmartLifecycle {

    /** How long cancelled runs get to unwind (tasks see their interrupt) before the pool is forced down. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /** Between Spring Boot's graceful web shutdown (DEFAULT_PHASE - 1024) and the web server's stop (- 2048). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private static final Logger LOG = LoggerFactory.getLogger(RunShutdown.class);

    private final RunRegistry registry;
    private final SharedPool sharedPool;
    private final ThreadTracker threads;
    private final Duration awaitTermination;
    private volatile boolean running;

    RunShutdown(RunRegistry registry, SharedPool sharedPool, ThreadTracker threads, Duration awaitTermination) {
        this.registry = registry;
        this.sharedPool = sharedPool;
        this.threads = threads;
        this.awaitTermination = awaitTermination;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        registry.beginShutdown();
        long deadline = System.nanoTime() + awaitTermination.toNanos();
        if (!registry.awaitLive(deadline, false)) {
            List<Parallelized<?, ?>> left = registry.live();
            LOG.warn("Cancelling {} run(s) still going after {} of shutdown (parallelized.shutdown.await-termination): {}",
                    left.size(), awaitTermination, left);
            left.forEach(Parallelized::cancel);
        }
        long graceDeadline = System.nanoTime() + CANCEL_GRACE.toNanos();
        boolean idle = registry.awaitLive(graceDeadline, true);
        boolean gone = threads.join(graceDeadline);
        if (sharedPool != null) {
            gone &= sharedPool.shutdown(graceDeadline);
        }
        if (!idle || !gone) {
            LOG.warn("Some parallelized tasks ignored their interrupt and still run on daemon threads after {}",
                    CANCEL_GRACE);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
