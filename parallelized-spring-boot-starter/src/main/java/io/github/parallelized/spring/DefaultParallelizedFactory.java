package io.github.parallelized.spring;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.TaskFunction;

/** The auto-configured factory: applies the presets, then hands the builder to the caller. Thread-safe. */
final class DefaultParallelizedFactory implements ParallelizedFactory {

    private final ParallelizedProperties properties;
    private final boolean virtualThreads;
    private final SharedPool sharedPool;
    private final Supplier<ProgressReporter> display;
    private final List<ProgressReporter> listeners;
    private final UnaryOperator<Runnable> decorator;
    private final List<RunDecoration> decorations;
    private final List<ParallelizedBuilderCustomizer> customizers;
    /** The store that {@code checkpoint(runName, key)} records in, or null when the application has none. */
    private final CheckpointStore checkpointStore;

    /**
     * @param sharedPool the pool all runs share, or null for threads of each run's own
     * @param decorator   wraps each runnable a run hands to a thread (task decorator, thread tracking)
     * @param decorations what follows each run and each attempt of its tasks (context, observations), in order
     * @param customizers the application's builder customizers, in order
     * @param checkpointStore the runs' default checkpoint store, or null
     */
    DefaultParallelizedFactory(ParallelizedProperties properties, boolean virtualThreads, SharedPool sharedPool,
                               Supplier<ProgressReporter> display, List<ProgressReporter> listeners,
                               UnaryOperator<Runnable> decorator, List<RunDecoration> decorations,
                               List<ParallelizedBuilderCustomizer> customizers, CheckpointStore checkpointStore) {
        this.properties = properties;
        this.virtualThreads = virtualThreads;
        this.sharedPool = sharedPool;
        this.display = display;
        this.listeners = List.copyOf(listeners);
        this.decorator = decorator;
        this.decorations = List.copyOf(decorations);
        this.customizers = List.copyOf(customizers);
        this.checkpointStore = checkpointStore;
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Iterable<? extends I> tasks) {
        FollowedRun<I, R> followed = followed(function);
        return preset(Parallelized.of(followed, tasks), followed);
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Iterator<? extends I> tasks) {
        FollowedRun<I, R> followed = followed(function);
        return preset(Parallelized.of(followed, tasks), followed);
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Stream<? extends I> tasks) {
        FollowedRun<I, R> followed = followed(function);
        return preset(Parallelized.of(followed, tasks), followed);
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Iterable<? extends I> tasks) {
        FollowedRun<I, R> followed = followedAsync(function);
        return presetAsync(Parallelized.ofAsync(FollowedRun.async(followed, function), tasks), followed);
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Stream<? extends I> tasks) {
        FollowedRun<I, R> followed = followedAsync(function);
        return presetAsync(Parallelized.ofAsync(FollowedRun.async(followed, function), tasks), followed);
    }

    /** The followed run of an asynchronous function (its blocking side is never called). */
    private <I, R> FollowedRun<I, R> followedAsync(AsyncTaskFunction<? super I, ? extends R> function) {
        java.util.Objects.requireNonNull(function, "function");
        return followed((I input) -> {
            throw new IllegalStateException("an asynchronous run calls its asynchronous function");
        });
    }

    /** An asynchronous run's presets: no pool and no thread count (its tasks in flight hold no thread). */
    private <I, R> Parallelized.Builder<I, R> presetAsync(Parallelized.Builder<I, R> builder,
                                                         FollowedRun<I, R> followed) {
        builder.threadNamePrefix(properties.getThreadNamePrefix())
                .progress(display.get())
                .decorator(decorator);
        presetTaskOptions(builder, properties);
        listeners.forEach(builder::listener);
        builder.listener(followed);
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    /** What a run that asks for more threads than the shared pool's limit is told. */
    static String sharedLimitAdvice(int limit) {
        return "the shared pool runs at most " + limit + " tasks of all runs together (parallelized.num-threads="
                + limit + "); ask for at most " + limit + ", raise parallelized.num-threads, or set"
                + " parallelized.pool=per-run to give each run threads of its own";
    }

    /** The options of {@code parallelized.*} that every run of the application gets, local or on a cluster. */
    static void presetTaskOptions(Parallelized.Builder<?, ?> builder, ParallelizedProperties properties) {
        if (properties.getMaxInFlight() != null) {
            builder.maxInFlight(properties.getMaxInFlight());
        }
        Duration timeout = properties.getTaskTimeout();
        if (timeout != null) {
            builder.timeout(timeout);
        }
        if (properties.getRetry().getMaxAttempts() > 1) {
            builder.retry(properties.getRetry().getMaxAttempts(), properties.getRetry().getBackoff());
        }
    }

    private <I, R> FollowedRun<I, R> followed(TaskFunction<? super I, ? extends R> function) {
        return new FollowedRun<>(java.util.Objects.requireNonNull(function, "function"), decorations);
    }

    private <I, R> Parallelized.Builder<I, R> preset(Parallelized.Builder<I, R> builder, FollowedRun<I, R> followed) {
        builder.threadNamePrefix(properties.getThreadNamePrefix())
                .progress(display.get())
                .decorator(decorator);
        if (sharedPool != null) {
            int limit = sharedPool.limit();
            builder.executor(sharedPool.executor(), limit, sharedLimitAdvice(limit)).numThreads(limit);
        } else {
            if (virtualThreads) {
                builder.virtualThreads();
            }
            if (properties.getNumThreads() != null) {
                builder.numThreads(properties.getNumThreads());
            }
        }
        presetTaskOptions(builder, properties);
        listeners.forEach(builder::listener);
        builder.listener(followed);
        if (checkpointStore != null) {
            builder.checkpointStore(checkpointStore); // a run opts in by naming its checkpoint
        }
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }
}
