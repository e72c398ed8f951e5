package io.github.parallelized.spring;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code parallelized.*} settings of the starter: how the runs that {@link ParallelizedFactory} builds are
 * preset, which pool they use, where their progress goes, how long finished runs stay visible, and how the
 * application waits for runs when it shuts down. Bound once at start-up through the constructor and checked
 * there: a bad value, or a key under {@code parallelized.} that is none of these, stops the start-up with a message
 * that names the property, the value and what is allowed (or the nearest valid key). Immutable and thread-safe.
 */
@ConfigurationProperties("parallelized")
public final class ParallelizedProperties {

    /** The limit of tasks at once with virtual threads when num-threads is not set, as in the core. */
    static final int DEFAULT_VIRTUAL_THREADS = 256;

    /**
     * With the shared pool (the default): the most tasks that all runs together execute at once, and each run's
     * default; a run may ask for at most this many (numThreads above it is refused at start). With pool per-run:
     * how many tasks of one run execute at once. Default: the number of available processors, or 256 with
     * virtual threads (then a limit on how many virtual threads run tasks at once, not a pool of them).
     */
    private final Integer numThreads;

    /**
     * Whether runs use virtual threads (Java 21 and later). Default: follows spring.threads.virtual.enabled.
     */
    private final Boolean virtualThreads;

    /**
     * At most this many inputs of one run are taken from its source and not yet consumed. Default: 16 times
     * num-threads, at least 128.
     */
    private final Integer maxInFlight;

    /**
     * Prefix of the names of the worker threads.
     */
    private final String threadNamePrefix;

    /**
     * Where progress goes: metrics (Micrometer gauges only), log (SLF4J lines), console (a bar on standard
     * error) or none (no display and no metrics). Default: metrics when a MeterRegistry exists, otherwise log.
     * With a MeterRegistry, log and console also record the metrics.
     */
    private final ProgressMode progress;

    /**
     * Time limit for each attempt of a task; a task that runs longer is interrupted and fails with a
     * TimeoutException. Default: no limit.
     */
    private final Duration taskTimeout;

    /**
     * Whether runs share one bounded pool of num-threads threads (shared, a bulkhead for the whole service) or
     * each run starts threads of its own (per-run).
     */
    private final Pool pool;

    /**
     * Retry of failing tasks.
     */
    private final Retry retry;

    /**
     * Metrics and monitoring of runs.
     */
    private final Metrics metrics;

    /**
     * What happens to running runs when the application shuts down.
     */
    private final Shutdown shutdown;

    /**
     * Whether the context of the thread that starts a run (MDC, the current observation and trace, anything
     * with a registered context-propagation accessor) is restored around every attempt of its tasks. Needs
     * io.micrometer:context-propagation on the class path (it comes with Actuator).
     */
    private final boolean propagateContext;

    /**
     * Micrometer observations (and so spans) of runs and tasks.
     */
    private final ObservationSettings observation;

    /**
     * Binds and checks the settings; Spring Boot calls it.
     *
     * @param numThreads       threads per run and of the shared pool, at least 1, or null for the number of processors
     * @param virtualThreads   true or false, or null to follow {@code spring.threads.virtual.enabled}
     * @param maxInFlight      the admission window, at least 1, or null for the engine's default
     * @param threadNamePrefix the worker thread name prefix, not empty
     * @param progress         the progress display, or null for metrics when there is a MeterRegistry, else log
     * @param taskTimeout      the time limit of each attempt, more than zero, or null for none
     * @param pool             shared or per-run
     * @param retry            the retry settings
     * @param metrics          the metrics settings
     * @param shutdown         the shutdown settings
     * @param propagateContext whether tasks see the starting thread's context
     * @param observation      the observation settings
     * @throws IllegalArgumentException if a value is out of range, naming the property, the value and what is allowed
     */
    public ParallelizedProperties(Integer numThreads, Boolean virtualThreads, Integer maxInFlight,
                                  @DefaultValue("parallelized-") String threadNamePrefix, ProgressMode progress,
                                  Duration taskTimeout, @DefaultValue("shared") Pool pool, @DefaultValue Retry retry,
                                  @DefaultValue Metrics metrics, @DefaultValue Shutdown shutdown,
                                  @DefaultValue("true") boolean propagateContext,
                                  @DefaultValue ObservationSettings observation) {
        this.numThreads = numThreads == null ? null
                : Check.between("parallelized.num-threads", numThreads, 1, Check.MAX_THREADS);
        this.virtualThreads = virtualThreads;
        this.maxInFlight = maxInFlight == null ? null : Check.atLeast("parallelized.max-in-flight", maxInFlight, 1);
        this.threadNamePrefix = Check.notBlank("parallelized.thread-name-prefix", threadNamePrefix);
        this.progress = progress;
        this.taskTimeout = taskTimeout == null ? null
                : Check.notTooLong("parallelized.task-timeout", Check.positive("parallelized.task-timeout", taskTimeout));
        this.pool = pool == null ? Pool.SHARED : pool;
        this.retry = retry == null ? new Retry(1, Duration.ZERO) : retry;
        this.metrics = metrics == null ? new Metrics(Duration.ofMinutes(1), 100, false, null) : metrics;
        this.shutdown = shutdown == null ? new Shutdown(Duration.ofSeconds(30)) : shutdown;
        this.propagateContext = propagateContext;
        this.observation = observation == null ? new ObservationSettings(false) : observation;
    }

    /**
     * The shared pool's limit of tasks at once (pool per-run: each run's number of threads), as configured.
     *
     * @return the configured number, or null when it is computed: the number of available processors, or 256
     *         with virtual threads
     */
    public Integer getNumThreads() {
        return numThreads;
    }

    /**
     * The number of threads in effect.
     *
     * @param virtual whether the runs use virtual threads
     * @return the configured number, or else 256 with virtual threads and the number of processors without
     */
    int numThreads(boolean virtual) {
        if (numThreads != null) {
            return numThreads;
        }
        return virtual ? DEFAULT_VIRTUAL_THREADS : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Whether runs use virtual threads, as configured.
     *
     * @return true or false, or null when it follows {@code spring.threads.virtual.enabled}
     */
    public Boolean getVirtualThreads() {
        return virtualThreads;
    }

    /**
     * The admission window of each run.
     *
     * @return the number, or null for the engine's default
     */
    public Integer getMaxInFlight() {
        return maxInFlight;
    }

    /**
     * The prefix of the worker threads' names.
     *
     * @return the prefix, never empty
     */
    public String getThreadNamePrefix() {
        return threadNamePrefix;
    }

    /**
     * Where progress goes, as configured.
     *
     * @return the mode, or null for metrics when a MeterRegistry exists, otherwise log
     */
    public ProgressMode getProgress() {
        return progress;
    }

    /**
     * The time limit of each attempt of a task.
     *
     * @return the limit, or null for none
     */
    public Duration getTaskTimeout() {
        return taskTimeout;
    }

    /**
     * Whether runs share one pool.
     *
     * @return the pool mode, never null
     */
    public Pool getPool() {
        return pool;
    }

    /**
     * The retry settings.
     *
     * @return the settings, never null
     */
    public Retry getRetry() {
        return retry;
    }

    /**
     * The metrics settings.
     *
     * @return the settings, never null
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * The shutdown settings.
     *
     * @return the settings, never null
     */
    public Shutdown getShutdown() {
        return shutdown;
    }

    /**
     * Whether tasks see the context of the thread that started their run.
     *
     * @return true unless switched off
     */
    public boolean isPropagateContext() {
        return propagateContext;
    }

    /**
     * The observation settings.
     *
     * @return the settings, never null
     */
    public ObservationSettings getObservation() {
        return observation;
    }

    /** Where the progress of runs goes ({@code parallelized.progress}). */
    public enum ProgressMode {
        /** Micrometer meters only; needs a MeterRegistry. */
        METRICS,
        /** SLF4J log lines every 10 percent, plus the meters when a MeterRegistry exists. */
        LOG,
        /** A progress bar on standard error, plus the meters when a MeterRegistry exists. */
        CONSOLE,
        /** No display and no meters (the actuator endpoint still lists the runs). */
        NONE
    }

    /** Which threads the runs use ({@code parallelized.pool}). */
    public enum Pool {
        /** All runs share one bounded pool of num-threads threads and take turns on it. */
        SHARED,
        /** Each run starts num-threads threads of its own and stops them when it closes. */
        PER_RUN
    }

    /** Retry of failing tasks ({@code parallelized.retry.*}). Immutable and thread-safe. */
    public static final class Retry {

        /**
         * How many times a failing task runs in all (1: no retry).
         */
        private final int maxAttempts;

        /**
         * The wait before each retry.
         */
        private final Duration backoff;

        /**
         * Binds and checks the retry settings.
         *
         * @param maxAttempts at least 1
         * @param backoff     not negative
         * @throws IllegalArgumentException if a value is out of range
         */
        public Retry(@DefaultValue("1") int maxAttempts, @DefaultValue("0s") Duration backoff) {
            this.maxAttempts = Check.atLeast("parallelized.retry.max-attempts", maxAttempts, 1);
            this.backoff = Check.notTooLong("parallelized.retry.backoff",
                    Check.notNegative("parallelized.retry.backoff", backoff == null ? Duration.ZERO : backoff));
        }

        /**
         * How many times a failing task runs in all.
         *
         * @return at least 1
         */
        public int getMaxAttempts() {
            return maxAttempts;
        }

        /**
         * The wait before each retry.
         *
         * @return the wait, not negative
         */
        public Duration getBackoff() {
            return backoff;
        }
    }

    /** Metrics and monitoring of runs ({@code parallelized.metrics.*}). Immutable and thread-safe. */
    public static final class Metrics {

        /**
         * How long a finished run stays in the gauges and in the actuator endpoint.
         */
        private final Duration retention;

        /**
         * The most distinct batch tag values (run descriptions); further descriptions share the tag value
         * "other".
         */
        private final int maxBatches;

        /**
         * Whether parallelized.task.duration publishes a percentile histogram (buckets), so that a monitoring
         * system can compute p50 and p95 over all instances (histogram_quantile in Prometheus). The buckets are
         * those of histogram-buckets: 2 more series per bucket and batch tag (one per outcome).
         */
        private final boolean percentilesHistogram;

        /**
         * The upper bounds of the task-duration histogram's buckets when percentiles-histogram is on, at most
         * 23, so that the starter's meters cost at most 60 series per batch tag in a scrape (the observations' timers
         * add theirs). The default: 20 bounds from 1ms to 5m.
         */
        private final List<Duration> histogramBuckets;

        /**
         * Binds and checks the metrics settings.
         *
         * @param retention            not negative
         * @param maxBatches           at least 1
         * @param percentilesHistogram whether the task timer publishes histogram buckets
         * @param histogramBuckets     the buckets' upper bounds, 1 to {@value Check#MAX_BUCKETS}, each more than
         *                             zero, or null for the default
         * @throws IllegalArgumentException if a value is out of range
         */
        public Metrics(@DefaultValue("1m") Duration retention, @DefaultValue("100") int maxBatches,
                       @DefaultValue("false") boolean percentilesHistogram,
                       @DefaultValue({"1ms", "2ms", "5ms", "10ms", "20ms", "50ms", "100ms", "200ms", "500ms", "1s",
                           "2s", "5s", "10s", "20s", "30s", "1m", "2m", "3m", "4m", "5m"})
                       List<Duration> histogramBuckets) {
            this.retention = Check.notTooLong("parallelized.metrics.retention", Check.notNegative(
                    "parallelized.metrics.retention", retention == null ? Duration.ofMinutes(1) : retention));
            this.maxBatches = Check.between("parallelized.metrics.max-batches", maxBatches, 1, Check.MAX_BATCHES);
            this.percentilesHistogram = percentilesHistogram;
            this.histogramBuckets = Check.buckets("parallelized.metrics.histogram-buckets",
                    histogramBuckets == null ? DEFAULT_BUCKETS : histogramBuckets);
        }

        /** What {@code @DefaultValue} says, for properties made without binding. */
        private static final List<Duration> DEFAULT_BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3),
                Duration.ofMinutes(4), Duration.ofMinutes(5));

        /**
         * The upper bounds of the task-duration histogram's buckets, used when percentiles-histogram is on.
         *
         * @return 1 to 23 durations, ascending, each more than zero
         */
        public List<Duration> getHistogramBuckets() {
            return histogramBuckets;
        }

        /**
         * Whether the task timer publishes histogram buckets.
         *
         * @return false unless switched on
         */
        public boolean isPercentilesHistogram() {
            return percentilesHistogram;
        }

        /**
         * How long a finished run stays in the gauges and in the actuator endpoint.
         *
         * @return the time, not negative
         */
        public Duration getRetention() {
            return retention;
        }

        /**
         * The most distinct batch tag values.
         *
         * @return at least 1
         */
        public int getMaxBatches() {
            return maxBatches;
        }
    }

    /** What happens to running runs at shutdown ({@code parallelized.shutdown.*}). Immutable and thread-safe. */
    public static final class Shutdown {

        /**
         * How long the closing application context waits for running runs to finish before it cancels them.
         */
        private final Duration awaitTermination;

        /**
         * Binds and checks the shutdown settings.
         *
         * @param awaitTermination not negative
         * @throws IllegalArgumentException if the value is negative
         */
        public Shutdown(@DefaultValue("30s") Duration awaitTermination) {
            this.awaitTermination = Check.notTooLong("parallelized.shutdown.await-termination",
                    Check.notNegative("parallelized.shutdown.await-termination",
                            awaitTermination == null ? Duration.ofSeconds(30) : awaitTermination));
        }

        /**
         * How long the closing context waits for running runs before it cancels them.
         *
         * @return the time, not negative
         */
        public Duration getAwaitTermination() {
            return awaitTermination;
        }
    }

    /** Observations of runs and tasks ({@code parallelized.observation.*}). Immutable and thread-safe. */
    public static final class ObservationSettings {

        /**
         * Whether each attempt of a task is an observation (a span with tracing) of its own, a child of its
         * run's. Off by default: a run of a million tasks would make a million spans.
         */
        private final boolean tasks;

        /**
         * Binds the observation settings.
         *
         * @param tasks whether each task attempt is observed
         */
        public ObservationSettings(@DefaultValue("false") boolean tasks) {
            this.tasks = tasks;
        }

        /**
         * Whether each attempt of a task is observed.
         *
         * @return false unless switched on
         */
        public boolean isTasks() {
            return tasks;
        }
    }
}
