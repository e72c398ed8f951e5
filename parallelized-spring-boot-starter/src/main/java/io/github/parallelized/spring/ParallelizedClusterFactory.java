package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

import io.github.parallelized.Parallelized;

/**
 * Builds cluster runs: the Spring form of {@code ParallelizedCluster.of(name, tasks)}. Auto-configured when the
 * application has a Hazelcast instance and {@code parallelized-hazelcast} on its class path (unless
 * {@code parallelized.cluster.enabled=false}). The builder comes set like the {@link ParallelizedFactory}'s
 * (progress display, retry, timeout, admission window, metrics, the {@code parallelized} actuator endpoint), with
 * two differences: the tasks run on the cluster's members, so {@code numThreads} is the number of tasks in flight
 * across the cluster (default: three batches per member thread, by the task time the members measured, see {@code
 * ParallelizedCluster}), and the shared local pool is not used. The run's postfix shows the cluster's data members and, after a member is lost, the resubmitted tasks.
 * Thread-safe.
 */
public interface ParallelizedClusterFactory {

    /**
     * Begins to describe a cluster run of the function registered as {@code name} (a {@link ClusterTask} bean on
     * every member) over the inputs of an {@link Iterable}.
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null
     * @param <I>   the input type
     * @param <R>   the result type
     * @return a preset builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> of(String name, Iterable<? extends I> tasks);

    /**
     * As {@link #of(String, Iterable)}, over the inputs of an {@link Iterator}.
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null
     * @param <I>   the input type
     * @param <R>   the result type
     * @return a preset builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> of(String name, Iterator<? extends I> tasks);

    /**
     * As {@link #of(String, Iterable)}, over the elements of a {@link Stream}.
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null
     * @param <I>   the input type
     * @param <R>   the result type
     * @return a preset builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> of(String name, Stream<? extends I> tasks);

    /**
     * Begins to describe a named run that outlives its submitter: {@code ParallelizedCluster.resumable(runName,
     * function, tasks, key)} (a record and a lease in the cluster, a checkpoint in the cluster's map), preset like
     * {@link #of(String, Iterable)}. Its checkpoint is always the cluster's map, which every member and client reaches,
     * not the application's store. When its submitter dies, any member takes it over with
     * {@link #resume(String, Iterable, Function)}.
     *
     * @param runName  the run's name in the cluster, not blank
     * @param function the registered name of the function (a {@link ClusterTask} bean), not null
     * @param tasks    the inputs, not null
     * @param key      the key of an input, unique per input of the run, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder, with this submitter holding the run's name
     * @throws NullPointerException  if an argument is null
     * @throws IllegalArgumentException if {@code runName} or {@code function} is blank, or the run exists with
     *                                  another function
     * @throws IllegalStateException if another submitter runs it now
     *                               ({@code io.github.parallelized.hazelcast.RunInProgressException}), or the cluster
     *                               has no data member
     */
    <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Iterable<? extends I> tasks,
                                                Function<? super I, String> key);

    /**
     * As {@link #resumable(String, String, Iterable, Function)}, over the elements of a {@link Stream}.
     *
     * @param runName  the run's name in the cluster, not blank
     * @param function the registered name of the function, not null
     * @param tasks    the inputs, not null
     * @param key      the key of an input, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a preset builder, with this submitter holding the run's name
     * @throws NullPointerException  if an argument is null
     * @throws IllegalArgumentException if {@code runName} or {@code function} is blank, or the run exists with
     *                                  another function
     * @throws IllegalStateException if another submitter runs it now, or the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Stream<? extends I> tasks,
                                                Function<? super I, String> key);

    /**
     * Takes over a named run that is not running (its submitter died, or it stopped or finished):
     * {@code ParallelizedCluster.resume(runName, tasks, key)}, preset like {@link #of(String, Iterable)}. What
     * succeeded is skipped.
     *
     * @param runName the run's name, not null
     * @param tasks   the inputs again, not null
     * @param key     the key of an input, the same as the run's, not null
     * @param <I>     the input type
     * @param <R>     the result type
     * @return a preset builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if no run of that name is recorded
     * @throws IllegalStateException    if another submitter runs it now, or the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> resume(String runName, Iterable<? extends I> tasks,
                                             Function<? super I, String> key);

    /**
     * As {@link #resume(String, Iterable, Function)}, over the elements of a {@link Stream}.
     *
     * @param runName the run's name, not null
     * @param tasks   the inputs again, not null
     * @param key     the key of an input, not null
     * @param <I>     the input type
     * @param <R>     the result type
     * @return a preset builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if no run of that name is recorded
     * @throws IllegalStateException    if another submitter runs it now, or the cluster has no data member
     */
    <I, R> Parallelized.Builder<I, R> resume(String runName, Stream<? extends I> tasks,
                                             Function<? super I, String> key);
}
