package io.github.parallelized.sample;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Threads for {@code io} runs: on Java 21+ the runs use the engine's own virtual threads; on Java 17 they get
 * this fixed pool of daemon platform threads instead.
 */
final class IoExecutors {

    static final String PREFIX = "sample-io-";

    private IoExecutors() {
    }

    /**
     * Tells whether this JVM has virtual threads.
     *
     * @return true on Java 21 and later
     */
    static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    /**
     * Creates the platform pool used where there are no virtual threads.
     *
     * @param threads the pool size
     * @return a new executor, to be shut down by the caller
     */
    static ExecutorService platformPool(int threads) {
        return Executors.newFixedThreadPool(threads, daemons(PREFIX));
    }

    static CustomizableThreadFactory daemons(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        // a task that ignores cancellation must not keep the JVM alive
        threads.setDaemon(true);
        return threads;
    }
}
