package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared daemon threads of all runs: one for task timeouts, one for the built-in displays' refreshes, one that
 * times other reporters' refreshes and a pool that runs them (and their {@code onFinish}), so that a timeout never
 * waits behind a reporter's slow {@code onRefresh}, a reporter that blocks in it never freezes a console bar, nor any
 * other reporter's refreshes, and one that blocks in {@code onFinish} never holds a run's {@code close()} for ever.
 * Each thread ends after a second without work, so an idle JVM holds no thread of ours. A timeout action does no
 * user work: it interrupts, hands over, and starts a thread.
 */
final class Timer {

    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
    private static final ScheduledThreadPoolExecutor TIMEOUTS = create("parallelized-timeout-");
    private static final ScheduledThreadPoolExecutor REFRESHES = create("parallelized-refresh-");
    /**
     * Times the refreshes of reporters other than the built-in displays, and hands each to {@link #REPORTERS}: it
     * runs no user code, so a reporter that blocks in onRefresh never delays another's refresh.
     */
    private static final ScheduledThreadPoolExecutor OTHER_REFRESHES = create("parallelized-refresh-other-");
    /**
     * Runs those refreshes: a thread per refresh under way, made when none is idle, ending after a second idle. A
     * reporter's refresh is skipped while its previous one still runs ({@link Dispatch}), so a blocked reporter
     * holds one thread, and stops only its own refreshes (before, all such reporters of all runs shared one thread).
     */
    private static final ThreadPoolExecutor REPORTERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1,
            TimeUnit.SECONDS, new SynchronousQueue<>(), new DaemonThreads("parallelized-reporter-"));

    private Timer() {
    }

    private static ScheduledThreadPoolExecutor create(String prefix) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DaemonThreads(prefix));
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Calls of reporters that may block (a run's onFinish calls, {@link FinishCalls}) on a pooled thread of {@link
     * #REPORTERS}, made when none is idle; throws what the pool throws when no thread can be made.
     */
    static void report(Runnable calls) {
        REPORTERS.execute(calls);
    }

    static ScheduledFuture<?> timeout(Runnable action, Duration delay) {
        return TIMEOUTS.schedule(action, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /** A one-off display action (a reporter's), on the refresh thread. */
    static ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        return REFRESHES.schedule(action, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /**
     * A refresh every {@code interval}: a built-in display's on the displays' thread, or another reporter's on a
     * pooled thread, skipped while its previous one still runs. Cancelling the future stops the refreshes; one under
     * way runs to its end (no thread waits for a reporter).
     */
    static ScheduledFuture<?> every(Runnable action, Duration interval, boolean builtIn) {
        long nanos = nanos(interval);
        if (builtIn) {
            return REFRESHES.scheduleWithFixedDelay(action, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        Dispatch dispatch = new Dispatch(action);
        ScheduledFuture<?> ticks = OTHER_REFRESHES.scheduleWithFixedDelay(dispatch, nanos, nanos,
                TimeUnit.NANOSECONDS);
        dispatch.ticks = ticks;
        return ticks;
    }

    /** One reporter's refreshes, handed to the pool one at a time. */
    private static final class Dispatch implements Runnable {
        private final Runnable action;
        /** Set while a refresh is handed over or runs. */
        private final AtomicBoolean running = new AtomicBoolean();
        /** The ticks' future, to see a cancel (the run's finish) before a handed-over refresh begins. */
        private volatile ScheduledFuture<?> ticks;

        Dispatch(Runnable action) {
            this.action = action;
        }

        /** On the ticking thread: hands the refresh over unless the previous one still runs. */
        @Override
        public void run() {
            if (!running.compareAndSet(false, true)) {
                return; // the reporter is still in its previous onRefresh: it holds one thread, no more
            }
            try {
                REPORTERS.execute(this::refresh);
            } catch (Throwable e) {
                // no thread to be had (the JVM is out of them): this refresh is skipped, the next one tries again
                running.set(false);
            }
        }

        private void refresh() {
            try {
                ScheduledFuture<?> future = ticks;
                if (future == null || !future.isCancelled()) {
                    action.run();
                }
            } finally {
                running.set(false);
            }
        }
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
