package io.github.parallelized.spring;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the core's log lines through the JVM's shutdown. The core logs through the JDK's {@code System.Logger}, which
 * Spring Boot bridges from java.util.logging into the application's logging (a handler on java.util.logging's root
 * logger). At the JVM's shutdown the JDK's LogManager resets java.util.logging in a shutdown hook of its own, which
 * runs at the same time as Spring's: it removes that handler, and every line the core logged during
 * {@code parallelized.shutdown.await-termination} (the runs' progress and summaries, their warnings) was lost.
 *
 * <p>Taken when the starter's shutdown bean is made (the application's logging is set up by then), the root logger's
 * handlers and level are put back once that reset is over, when the context begins to close: a line logged between
 * the reset and the context's close (milliseconds) is still lost. Nothing changes while the root logger has a handler
 * (no reset, or the application set up java.util.logging again), nor when it had none to begin with.
 */
final class JulShutdown {

    /** The LogManager's shutdown hook, which resets java.util.logging (the same name on Java 17 to 25). */
    static final String CLEANER = "java.util.logging.LogManager$Cleaner";
    /** How long to wait for that hook to end; a reset takes milliseconds. */
    static final long CLEANER_WAIT_MILLIS = 2_000;

    /** Held, so that the root logger's configuration cannot be collected (it never is: the LogManager holds it). */
    private final Logger root = Logger.getLogger("");
    private final Handler[] handlers;
    private final Level level;

    JulShutdown() {
        this.handlers = root.getHandlers();
        this.level = root.getLevel();
    }

    /**
     * Waits (at most {@link #CLEANER_WAIT_MILLIS}) for the LogManager's reset at the JVM's shutdown if it is under
     * way, then puts the root logger's handlers and level back if the reset removed them. Never throws.
     *
     * @return whether anything was put back
     */
    boolean restore() {
        if (handlers.length == 0) {
            return false;
        }
        try {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getClass().getName().equals(CLEANER) && thread != Thread.currentThread()) {
                    thread.join(CLEANER_WAIT_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a security manager that refuses the threads' list: put back what is missing anyway
        }
        synchronized (this) {
            if (root.getHandlers().length > 0) {
                return false;
            }
            try {
                for (Handler handler : handlers) {
                    root.addHandler(handler);
                }
                root.setLevel(level);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
