package io.github.parallelized.sample;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The executor of {@code io} runs: a virtual thread per task on Java 21+, else a fixed pool of daemon platform
 * threads. The sample is compiled for Java 17, so the Java 21 API is reached by reflection.
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
     * Creates the executor.
     *
     * @param platformThreads the pool size where there are no virtual threads
     * @return a new executor, to be shut down by the caller
     */
    static ExecutorService create(int platformThreads) {
        return virtualThreadsAvailable() ? virtual() : Executors.newFixedThreadPool(platformThreads, daemons(PREFIX));
    }

    static CustomizableThreadFactory daemons(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        // a task that ignores cancellation must not keep the JVM alive
        threads.setDaemon(true);
        return threads;
    }

    private static ExecutorService virtual() {
        try {
            // Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(PREFIX, 0).factory())
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, PREFIX, 0L);
            ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
                    .invoke(null, factory);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException
                 | InvocationTargetException e) {
            throw new IllegalStateException("Java " + Runtime.version().feature() + " should have virtual threads", e);
        }
    }
}
