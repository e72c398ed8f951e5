package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The shared daemon threads of all runs: one for task timeouts, one for the built-in displays' refreshes and one
 * for other reporters' refreshes, so that a timeout never waits behind a reporter's slow {@code onRefresh}, and a
 * reporter that blocks in it never freezes a console bar. Each ends after a second without work, so an idle JVM
 * holds no thread of ours. A timeout action does no user work: it interrupts, hands over, and starts a thread.
 */
final class Timer {

    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
    private static final ScheduledThreadPoolExecutor TIMEOUTS = create("parallelized-timeout-");
    private static final ScheduledThreadPoolExecutor REFRESHES = create("parallelized-refresh-");
    /**
     * The refreshes of reporters other than the built-in displays: one that blocks in onRefresh then stops only
     * those, never a console bar or the log progress of any run.
     */
    private static final ScheduledThreadPoolExecutor OTHER_REFRESHES = create("parallelized-refresh-other-");

    private Timer() {
    }

    private static ScheduledThreadPoolExecutor create(String prefix) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DaemonThreads(prefix));
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    static ScheduledFuture<?> timeout(Runnable action, Duration delay) {
        return TIMEOUTS.schedule(action, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /** A one-off display action (a reporter's), on the refresh thread. */
    static ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        return REFRESHES.schedule(action, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /** A refresh every {@code interval}: a built-in display's, or another reporter's on a thread of their own. */
    static ScheduledFuture<?> every(Runnable action, Duration interval, boolean builtIn) {
        long nanos = nanos(interval);
        return (builtIn ? REFRESHES : OTHER_REFRESHES).scheduleWithFixedDelay(action, nanos, nanos,
                TimeUnit.NANOSECONDS);
    }

    /**
     * A delay in nanoseconds, at most {@code Long.MAX_VALUE} (about 292 years: never, in practice), so that a
     * reporter's {@code refreshInterval()} of {@code Duration.ofSeconds(Long.MAX_VALUE)} means "rarely", not an
     * {@link ArithmeticException} out of start().
     */
    static long nanos(Duration delay) {
        return delay.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : delay.toNanos();
    }
}
