package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.TaskFunction;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * TEMPORARY stand-in for the starter's factory (branch {@code starter}), written against the agreed contract so
 * that the sample can be built before the starter lands. Deleted when the starter is merged.
 */
public class ParallelizedFactory {

    private final TemporaryRunRegistry registry;

    ParallelizedFactory(TemporaryRunRegistry registry) {
        this.registry = registry;
    }

    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn, Iterable<? extends I> tasks) {
        return Parallelized.<I, R>of(fn, tasks).progress(ProgressReporter.log()).listener(registry);
    }

    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn, Iterator<? extends I> tasks) {
        return Parallelized.<I, R>of(fn, tasks).progress(ProgressReporter.log()).listener(registry);
    }

    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn, Stream<? extends I> tasks) {
        return Parallelized.<I, R>of(fn, tasks).progress(ProgressReporter.log()).listener(registry);
    }
}
