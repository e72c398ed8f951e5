package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.stream.Stream;

import io.github.parallelized.Parallelized;

/**
 * Builds cluster runs: the Spring form of {@code ParallelizedCluster.of(name, tasks)}. Auto-configured when the
 * application has a Hazelcast instance and {@code parallelized-hazelcast} on its class path (unless
 * {@code parallelized.cluster.enabled=false}). The builder comes set like the {@link ParallelizedFactory}'s
 * (progress display, retry, timeout, admission window, metrics, the {@code parallelized} actuator endpoint), with
 * two differences: the tasks run on the cluster's members, so {@code numThreads} is the number of tasks in flight
 * across the cluster (default: 32 per member thread, see {@code ParallelizedCluster}), and the shared local pool is
 * not used. The run's postfix shows the cluster's data members and, after a member is lost, the resubmitted tasks.
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
}
