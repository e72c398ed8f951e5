package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.stream.Stream;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskFunction;

/**
 * Builds runs the way the application configured them: the Spring form of {@link Parallelized#of}. The builder
 * it returns is already set from the {@code parallelized.*} properties (threads, pool, admission window, retry,
 * timeout, thread names, progress display) and wired to the application: its metrics, the {@code parallelized}
 * actuator endpoint, its {@code TaskDecorator}, its shutdown, the caller's context in every task (MDC,
 * observation and trace; the run's id under {@link #MDC_RUN_ID}), a {@code parallelized.run} observation, and the
 * application's {@link ParallelizedBuilderCustomizer}s. What the caller then sets on the builder wins,
 * since setting a builder option again replaces it.
 *
 * <pre>{@code
 * try (Parallelized<Job, String> par = factory.of(this::render, jobs).desc("Rendering").start()) {
 *     for (Outcome<Job, String> o : par) { ... }
 * }
 * }</pre>
 *
 * <p>Caller overrides to know of: {@code decorator(...)} replaces the application's {@code TaskDecorator} (wrap
 * it yourself to keep both); {@code executor(...)} replaces the shared pool; {@code virtualThreads()} cannot be
 * combined with the shared pool (the engine refuses executor plus virtual threads at {@code start()}), so use
 * {@code parallelized.virtual-threads} or {@code parallelized.pool: per-run} for that.
 *
 * <p>Resumable runs: when the application has a {@code DataSource} (or a
 * {@link io.github.parallelized.CheckpointStore} bean), the builder's default checkpoint store is set, so that a run
 * names just its checkpoint: {@code factory.of(this::importItem, items).checkpoint("nightly-import", Item::id)};
 * started again under that name, it skips the items that succeeded (see {@code parallelized.checkpoint.*}).
 *
 * <p>The starter auto-configures one; an application that defines its own bean of this type replaces it (and
 * then wires its runs itself). Implementations must be thread-safe: the auto-configured one is.
 */
public interface ParallelizedFactory {

    /** The MDC key under which a task of a run of the auto-configured factory finds its run's id. */
    String MDC_RUN_ID = "parallelized.run";

    /**
     * Begins to describe a run over the inputs of an {@link Iterable}; a {@link java.util.Collection} gives
     * the run its total.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null; iterated once, lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder; nothing runs before {@link Parallelized.Builder#start()}
     * @throws NullPointerException if an argument is null
     */
    <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Iterable<? extends I> tasks);

    /**
     * Begins to describe a run over the inputs of an {@link Iterator}; the total is unknown unless given by
     * {@link Parallelized.Builder#total(long)}.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null; read lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder
     * @throws NullPointerException if an argument is null
     */
    <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Iterator<? extends I> tasks);

    /**
     * Begins to describe a run over the elements of a {@link Stream}, read lazily and closed with the run.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder
     * @throws NullPointerException if an argument is null
     */
    <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Stream<? extends I> tasks);

    /**
     * Begins to describe an asynchronous run ({@link Parallelized#ofAsync(AsyncTaskFunction, Iterable)}): the
     * function starts each input's work and returns its {@link java.util.concurrent.CompletionStage}. The builder
     * is preset like {@link #of(TaskFunction, Iterable)}'s (progress, meters, endpoint, admission window, retry,
     * timeout, customizers), except for threads: tasks in flight hold no thread, so the shared pool and
     * {@code parallelized.num-threads} do not apply; {@link Parallelized.Builder#numThreads(int)} sets the tasks
     * in flight (256 by default). The caller's context (MDC, observation) is current while the function starts
     * an input's work.
     *
     * <p>The default implementation, for factories written before this method, refuses.
     *
     * @param function the function that starts an input's work, not null
     * @param tasks    the inputs, not null; iterated once, lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder; nothing runs before {@link Parallelized.Builder#start()}
     * @throws NullPointerException          if an argument is null
     * @throws UnsupportedOperationException if this factory does not build asynchronous runs
     */
    default <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Iterable<? extends I> tasks) {
        throw new UnsupportedOperationException(getClass().getName() + " does not build asynchronous runs");
    }

    /**
     * Begins to describe an asynchronous run over the elements of a {@link Stream}, read lazily and closed with
     * the run; otherwise as {@link #ofAsync(AsyncTaskFunction, Iterable)}.
     *
     * @param function the function that starts an input's work, not null
     * @param tasks    the inputs, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder
     * @throws NullPointerException          if an argument is null
     * @throws UnsupportedOperationException if this factory does not build asynchronous runs
     */
    default <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Stream<? extends I> tasks) {
        throw new UnsupportedOperationException(getClass().getName() + " does not build asynchronous runs");
    }
}
