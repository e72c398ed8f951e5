package io.github.parallelized.spring;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.hazelcast.ParallelizedCluster;

/** The auto-configured cluster factory: the cluster's builder with the application's presets. Thread-safe. */
final class DefaultParallelizedClusterFactory implements ParallelizedClusterFactory {

    private final ParallelizedCluster cluster;
    private final ParallelizedProperties properties;
    private final Supplier<ProgressReporter> display;
    private final List<ProgressReporter> listeners;

    DefaultParallelizedClusterFactory(ParallelizedCluster cluster, ParallelizedProperties properties,
                                      Supplier<ProgressReporter> display, List<ProgressReporter> listeners) {
        this.cluster = cluster;
        this.properties = properties;
        this.display = display;
        this.listeners = List.copyOf(listeners);
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

    private <I, R> Parallelized.Builder<I, R> preset(Parallelized.Builder<I, R> builder) {
        builder.progress(display.get());
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
        listeners.forEach(builder::listener);
        return builder;
    }
}
