package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The options of a run while its builder is being set: each checked as it is given, turned into an immutable
 * {@link RunConfig} by {@link Parallelized.Builder#start()}.
 */
final class RunOptions {

    /** The most platform threads a run may ask for (see {@link Parallelized#MAX_THREADS}). */
    static final int MAX_THREADS = Parallelized.MAX_THREADS;
    /** The most virtual threads or asynchronous tasks in flight (see {@link Parallelized#MAX_VIRTUAL_THREADS}). */
    static final int MAX_VIRTUAL = Parallelized.MAX_VIRTUAL_THREADS;
    static final int DEFAULT_VIRTUAL_THREADS = 256;
    /** Tasks in flight of an asynchronous function by default: they hold no thread while they wait. */
    static final int DEFAULT_ASYNC_IN_FLIGHT = 256;

    /** Set by {@link Parallelized#ofAsync}: numThreads counts tasks in flight, and a few loops start them. */
    boolean async;

    Integer numThreads;
    boolean virtualThreads;
    ExecutorService executor;
    Integer maxInFlight;
    String desc = "Parallelized";
    long total = -1;
    ProgressReporter progress;
    final List<ProgressReporter> listeners = new ArrayList<>();
    boolean ordered;
    Duration timeout;
    FailureLimit failureLimit = FailureLimit.NONE;
    String threadNamePrefix = "parallelized-";
    UnaryOperator<Runnable> decorator = UnaryOperator.identity();
    /** The most tasks the supplied executor runs at once, declared with it; lifted when the executor changes. */
    ExecutorBound executorBound = ExecutorBound.NONE;

    void numThreads(int n) {
        if (n < 1 || n > MAX_VIRTUAL) {
            throw new IllegalArgumentException("numThreads must be between 1 and " + MAX_THREADS
                    + " (platform threads) or " + MAX_VIRTUAL + " (virtual threads, asynchronous tasks), was " + n);
        }
        numThreads = n;
    }

    /** Where the tasks run is one option: virtual threads replace a supplied executor, and the other way round. */
    void virtualThreads(boolean on) {
        if (on) {
            VirtualThreads.require();
            executor = null;
            executorBound = ExecutorBound.NONE;
        }
        virtualThreads = on;
    }

    void executor(ExecutorService executor) {
        checkExecutor(executor);
        this.executor = executor;
        this.virtualThreads = false;
        this.executorBound = ExecutorBound.NONE;
    }

    /** The executor and the most tasks it runs at once, with what a refusal of more says after the figures. */
    void executor(ExecutorService executor, int maxThreads, String whenAbove) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be at least 1, was " + maxThreads);
        }
        executor(executor);
        this.executorBound = new ExecutorBound(maxThreads, whenAbove);
    }

    /**
     * Refuses an executor that would drop the run's worker loops or run them on the caller's thread, as far as
     * that can be seen from outside; {@code start()} checks again, a policy can change in between.
     */
    static void checkExecutor(ExecutorService executor) {
        if (executor.isShutdown()) {
            throw new IllegalArgumentException("executor is already shut down: it would refuse every task");
        }
        if (executor instanceof ThreadPoolExecutor pool) {
            RejectedExecutionHandler policy = pool.getRejectedExecutionHandler();
            if (policy instanceof ThreadPoolExecutor.CallerRunsPolicy) {
                throw new IllegalArgumentException("executor has a CallerRunsPolicy: a refused worker loop would "
                        + "run on the thread that starts the run, and start() would not return; use AbortPolicy "
                        + "(a busy queue is then waited for)");
            }
            if (policy instanceof ThreadPoolExecutor.DiscardPolicy
                    || policy instanceof ThreadPoolExecutor.DiscardOldestPolicy) {
                throw new IllegalArgumentException("executor has a " + policy.getClass().getSimpleName()
                        + ": it would silently drop the run's worker loops; use AbortPolicy (a busy queue is then "
                        + "waited for)");
            }
        }
    }

    void maxInFlight(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + n);
        }
        maxInFlight = n;
    }

    void total(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("total must be at least 0, was " + n);
        }
        total = n;
    }

    void retry(int attempts, Duration wait, Predicate<? super Throwable> on) {
        if (attempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
        }
        Objects.requireNonNull(wait, "backoff");
        Objects.requireNonNull(on, "retryOn");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative, was " + wait);
        }
        checkNanos("backoff", wait); // the policy itself is kept by the builder (LimitOptions.retry)
    }

    void timeout(Duration limit) {
        Objects.requireNonNull(limit, "timeout");
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException("timeout must be more than zero, was " + limit);
        }
        checkNanos("timeout", limit);
        timeout = limit;
    }

    /** The engine counts time in nanoseconds in a long: about 292 years. */
    private static void checkNanos(String option, Duration value) {
        if (value.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(option + " must be at most " + Duration.ofNanos(Long.MAX_VALUE)
                    + " (Long.MAX_VALUE nanoseconds, about 292 years), was " + value);
        }
    }

    void stopAfterFailures(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + n);
        }
        failureLimit = failureLimit.withMaxFailures(n);
    }

    void stopAboveFailureRate(double rate, int minTasks) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("maxRate must be in [0, 1), was " + rate);
        }
        if (minTasks < 1) {
            throw new IllegalArgumentException("minTasks must be at least 1, was " + minTasks);
        }
        failureLimit = failureLimit.withMaxRate(rate, minTasks);
    }

    /**
     * The immutable configuration of a run, with the defaults resolved: its limits and retry policy from {@code
     * limits}, and one more listener before the user's (a checkpoint's recorder), if {@code internal} is not null:
     * an outcome is recorded before the user's listeners hear of it, and the last records are written before they
     * hear that the run finished (a named cluster run gives its lease back then: whoever takes the run over next
     * must find them).
     */
    RunConfig toConfig(LimitOptions limits, ProgressReporter internal) {
        long startNanos = System.nanoTime(); // first: the run's clock counts from start()
        if (executor != null) {
            checkExecutor(executor);
        }
        int inFlight = numThreads != null ? numThreads
                : async ? DEFAULT_ASYNC_IN_FLIGHT
                : virtualThreads ? DEFAULT_VIRTUAL_THREADS : Runtime.getRuntime().availableProcessors();
        // an asynchronous function's tasks hold no thread while in flight: a loop per processor starts them (no more
        // than the executor's limit)
        int maxThreads = executorBound.maxThreads();
        int threads = async ? Math.max(1, Math.min(Math.min(inFlight, maxThreads),
                Runtime.getRuntime().availableProcessors())) : inFlight;
        if (!async && !virtualThreads && threads > MAX_THREADS) {
            throw new IllegalArgumentException("numThreads " + threads + " is above " + MAX_THREADS
                    + ", the most platform threads a run may ask for; call virtualThreads() for up to " + MAX_VIRTUAL);
        }
        if (threads > maxThreads) {
            throw new IllegalArgumentException("numThreads " + threads + " is above the executor's limit of "
                    + maxThreads + " tasks at once: " + executorBound.whenAbove());
        }
        // an asynchronous run's window holds its tasks in flight and as many outcomes on their way to the consumer
        int window = maxInFlight != null ? maxInFlight
                : (int) Math.min(Integer.MAX_VALUE, Math.max(128L, (async ? 4L : 16L) * inFlight));
        RunConfig.Reporting reporting = new RunConfig.Reporting(desc, total, progress != null ? progress : ProgressReporter.console(),
                withInternal(internal));
        return new RunConfig(threads, virtualThreads, executor, window, reporting, ordered,
                limits.retry != null ? limits.retry : AttemptPolicy.NO_RETRY, timeout, failureLimit, threadNamePrefix,
                decorator, async ? inFlight : 0, limits.runLimits(), startNanos);
    }

    private List<ProgressReporter> withInternal(ProgressReporter internal) {
        if (internal == null) {
            return List.copyOf(listeners);
        }
        List<ProgressReporter> all = new ArrayList<>();
        all.add(internal);
        all.addAll(listeners);
        return List.copyOf(all);
    }
}
