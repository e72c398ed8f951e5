package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.hazelcast.ParallelizedCluster;

/**
 * The auto-configured cluster factory: the cluster's builder with the application's presets, listeners and
 * {@link ParallelizedBuilderCustomizer}s, as the local factory applies them, and a default checkpoint store (the
 * application's {@link CheckpointStore}, else {@link ParallelizedCluster#checkpointStore()}, so that any member or
 * submitter resumes a run named {@code .checkpoint("nightly", Item::id)}). Thread-safe.
 */
final class DefaultParallelizedClusterFactory implements ParallelizedClusterFactory {

    private final ParallelizedCluster cluster;
    private final ParallelizedProperties properties;
    private final Supplier<ProgressReporter> display;
    private final List<ProgressReporter> listeners;
    private final List<ParallelizedBuilderCustomizer> customizers;
    private final CheckpointStore checkpointStore;

    /**
     * @param checkpointStore the runs' default checkpoint store: the application's, else the cluster's map
     */
    DefaultParallelizedClusterFactory(ParallelizedCluster cluster, ParallelizedProperties properties,
                                      Supplier<ProgressReporter> display, List<ProgressReporter> listeners,
                                      List<ParallelizedBuilderCustomizer> customizers,
                                      CheckpointStore checkpointStore) {
        this.cluster = cluster;
        this.properties = properties;
        this.display = display;
        this.listeners = List.copyOf(listeners);
        this.customizers = List.copyOf(customizers);
        this.checkpointStore = checkpointStore;
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(String name, Iterable<? extends I> tasks) {
        return preset(cluster.of(name, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(String name, Iterator<? extends I> tasks) {
        return preset(cluster.of(name, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(String name, Stream<? extends I> tasks) {
        return preset(cluster.of(name, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Iterable<? extends I> tasks,
                                                       Function<? super I, String> key) {
        return presetNamed(cluster.resumable(runName, function, tasks, key));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Stream<? extends I> tasks,
                                                       Function<? super I, String> key) {
        return presetNamed(cluster.resumable(runName, function, tasks, key));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> resume(String runName, Iterable<? extends I> tasks,
                                                    Function<? super I, String> key) {
        return presetNamed(cluster.resume(runName, tasks, key));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> resume(String runName, Stream<? extends I> tasks,
                                                    Function<? super I, String> key) {
        return presetNamed(cluster.resume(runName, tasks, key));
    }

    private <I, R> Parallelized.Builder<I, R> preset(Parallelized.Builder<I, R> builder) {
        builder.checkpointStore(checkpointStore); // a run opts in by naming its checkpoint
        return presetNamed(builder);
    }

    /** The presets but the default store: a named run's checkpoint stays the cluster's map (set with its name). */
    private <I, R> Parallelized.Builder<I, R> presetNamed(Parallelized.Builder<I, R> builder) {
        builder.progress(display.get());
        DefaultParallelizedFactory.presetTaskOptions(builder, properties);
        listeners.forEach(builder::listener);
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }
}
