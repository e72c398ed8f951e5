package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The options of one run; checked as they are set, copied by {@link Parallelized.Builder#start()}. */
final class RunConfig {

    static final int DEFAULT_VIRTUAL_THREADS = 256;

    Integer numThreads;
    boolean virtualThreads;
    ExecutorService executor;
    Integer maxInFlight;
    String desc = "Parallelized";
    long total = -1;
    ProgressReporter progress;
    List<ProgressReporter> listeners = new ArrayList<>();
    boolean ordered;
    int maxAttempts = 1;
    Duration backoff = Duration.ZERO;
    Predicate<? super Throwable> retryOn = error -> false;
    Duration timeout;
    int maxFailures = Integer.MAX_VALUE;
    double maxFailureRate = Double.NaN;
    int minTasksForRate = 1;
    String threadNamePrefix = "parallelized-";
    UnaryOperator<Runnable> decorator = UnaryOperator.identity();
    /** The most tasks the supplied executor runs at once, declared with it; lifted when the executor changes. */
    int maxThreads = Integer.MAX_VALUE;
    String maxThreadsReason = "";

    void numThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("numThreads must be at least 1, was " + n);
        }
        numThreads = n;
    }

    /** Where the tasks run is one option: virtual threads replace a supplied executor, and the other way round. */
    void virtualThreads(boolean on) {
        if (on) {
            VirtualThreads.require();
            executor = null;
            maxThreads = Integer.MAX_VALUE;
        }
        virtualThreads = on;
    }

    void executor(ExecutorService executor) {
        if (executor.isShutdown()) {
            throw new IllegalArgumentException("executor is already shut down: it would refuse every task");
        }
        this.executor = executor;
        this.virtualThreads = false;
        this.maxThreads = Integer.MAX_VALUE;
    }

    void checkThreadLimit() {
        int threads = threads();
        if (threads > maxThreads) {
            throw new IllegalArgumentException("numThreads " + threads + " is above the executor's limit of "
                    + maxThreads + " tasks at once: " + maxThreadsReason);
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
        maxAttempts = attempts;
        backoff = wait;
        retryOn = on;
    }

    void timeout(Duration limit) {
        Objects.requireNonNull(limit, "timeout");
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException("timeout must be more than zero, was " + limit);
        }
        timeout = limit;
    }

    void stopAfterFailures(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + n);
        }
        maxFailures = n;
    }

    void stopAboveFailureRate(double rate, int minTasks) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("maxRate must be in [0, 1), was " + rate);
        }
        if (minTasks < 1) {
            throw new IllegalArgumentException("minTasks must be at least 1, was " + minTasks);
        }
        maxFailureRate = rate;
        minTasksForRate = minTasks;
    }

    int threads() {
        if (numThreads != null) {
            return numThreads;
        }
        return virtualThreads ? DEFAULT_VIRTUAL_THREADS : Runtime.getRuntime().availableProcessors();
    }

    int window() {
        return maxInFlight != null ? maxInFlight : Math.max(32, 16 * threads());
    }


    ProgressReporter display() {
        return progress != null ? progress : ProgressReporter.console();
    }

    RunConfig copy() {
        RunConfig c = new RunConfig();
        c.numThreads = numThreads;
        c.virtualThreads = virtualThreads;
        c.executor = executor;
        c.maxInFlight = maxInFlight;
        c.desc = desc;
        c.total = total;
        c.progress = progress;
        c.listeners = List.copyOf(listeners);
        c.ordered = ordered;
        c.maxAttempts = maxAttempts;
        c.backoff = backoff;
        c.retryOn = retryOn;
        c.timeout = timeout;
        c.maxFailures = maxFailures;
        c.maxFailureRate = maxFailureRate;
        c.minTasksForRate = minTasksForRate;
        c.threadNamePrefix = threadNamePrefix;
        c.decorator = decorator;
        c.maxThreads = maxThreads;
        c.maxThreadsReason = maxThreadsReason;
        return c;
    }
}
