package io.github.parallelized.benchmarks;

import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One workload: how many tasks, on how many threads (platform or virtual), the function, and the inputs. Every
 * system reads the same inputs: a pre-built {@code List<Integer>}, or for a lazy workload a generated stream
 * that no system sees whole ({@link #stream()}, or {@link #iterator()} for those that cannot take a stream).
 *
 * @param name    the workload's name in the table
 * @param tasks   how many inputs
 * @param threads how many tasks run at once
 * @param virtual whether the tasks run on virtual threads
 * @param lazy    whether the inputs are generated lazily instead of pre-built
 * @param task    the function each system applies to each input
 * @param inputs  the pre-built inputs, or null for a lazy workload
 */
record Workload(String name, int tasks, int threads, boolean virtual, boolean lazy,
                Function<Integer, Integer> task, List<Integer> inputs) {

    static Workload prebuilt(String name, int tasks, int threads, boolean virtual, Function<Integer, Integer> task) {
        return new Workload(name, tasks, threads, virtual, false, task, IntStream.range(0, tasks).boxed().toList());
    }

    static Workload generated(String name, int tasks, int threads, Function<Integer, Integer> task) {
        return new Workload(name, tasks, threads, false, true, task, null);
    }

    /**
     * The in-flight window of the systems that bound it (Parallelized's default, given to the raw
     * ExecutorCompletionService and the CompletableFuture loop too): 16 per thread, at least 128.
     *
     * @return the window
     */
    int window() {
        return Math.max(128, 16 * threads);
    }

    /** The inputs as a stream: sized, and lazily generated for a lazy workload. */
    Stream<Integer> stream() {
        return lazy ? IntStream.range(0, tasks).boxed() : inputs.stream();
    }

    Iterator<Integer> iterator() {
        return lazy ? stream().iterator() : inputs.iterator();
    }
}
