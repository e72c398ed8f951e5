package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread shared by all runs for task timeouts and progress refreshes. It ends after a second
 * without work, so an idle JVM holds no thread of ours.
 */
final class Timer {

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private Timer() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                new DaemonThreads("parallelized-timer-"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    static ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        return EXECUTOR.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    static ScheduledFuture<?> every(Runnable action, Duration interval) {
        long nanos = interval.toNanos();
        return EXECUTOR.scheduleWithFixedDelay(action, nanos, nanos, TimeUnit.NANOSECONDS);
    }
}
