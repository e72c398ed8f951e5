package io.github.parallelized.benchmarks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.pivovarit.collectors.ParallelCollectors;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A way to run a workload: each one applies the workload's function to every input on {@code threads} threads
 * and consumes every result in completion order on the calling thread, the way a user of it would write it.
 */
abstract class BenchSystem {

    /** The raw JDK baseline that the ratios are taken against. */
    static final String BASELINE = "ecs";

    /** Keeps the results observable, so that no system's work can be optimized away. */
    static volatile long sink;

    private final String name;

    BenchSystem(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Whether this system can run the workload (parallel streams have no virtual-thread form). */
    boolean supports(Workload workload) {
        return !workload.virtual() || VirtualExecutors.available();
    }

    /**
     * Runs the workload once, from setting up to tearing down.
     *
     * @return how many successful results the consumer saw
     */
    abstract long run(Workload workload) throws Exception;

    @Override
    public String toString() {
        return name;
    }

    /** All systems, the baseline first; {@code metrics} supplies the Micrometer reporter. */
    static List<BenchSystem> all(Supplier<ProgressReporter> metrics) {
        List<BenchSystem> all = new ArrayList<>();
        all.add(new RawCompletionService());
        all.add(new SubmitAllCompletionService());
        all.add(new SubmitAllCompletableFutures());
        all.add(new ParallelizedSystem("parallelized-none", ProgressReporter::none, null));
        all.add(new ParallelizedSystem("parallelized-console", ProgressReporter::console, null));
        all.add(new ParallelizedSystem("parallelized-micrometer", ProgressReporter::none, metrics));
        all.add(new ParallelizedSystem("parallelized-ordered", ProgressReporter::console, null, true));
        all.add(new CompletableFutures());
        all.add(new ParallelCollectorsSystem());
        all.add(new ParallelStreamWithBar());
        return all;
    }

    static BenchSystem named(String name, Supplier<ProgressReporter> metrics) {
        return all(metrics).stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no system named " + name));
    }

    static ExecutorService pool(Workload workload) {
        return workload.virtual() ? VirtualExecutors.perTask() : Executors.newFixedThreadPool(workload.threads());
    }

    /**
     * Parallelized: workers pull from the source; progress none, console, or none plus Micrometer meters; in
     * completion order, or in submission order ({@code ordered()}).
     */
    static final class ParallelizedSystem extends BenchSystem {
        private final Supplier<ProgressReporter> display;
        private final Supplier<ProgressReporter> listener;

        private final boolean ordered;

        ParallelizedSystem(String name, Supplier<ProgressReporter> display, Supplier<ProgressReporter> listener) {
            this(name, display, listener, false);
        }

        ParallelizedSystem(String name, Supplier<ProgressReporter> display, Supplier<ProgressReporter> listener,
                           boolean ordered) {
            super(name);
            this.display = display;
            this.listener = listener;
            this.ordered = ordered;
        }

        @Override
        long run(Workload workload) {
            Function<Integer, Integer> task = workload.task();
            Parallelized.Builder<Integer, Integer> builder = workload.lazy()
                    ? Parallelized.of(task::apply, workload.stream())
                    : Parallelized.of(task::apply, workload.inputs());
            builder.numThreads(workload.threads()).progress(display.get()).desc(workload.name());
            if (workload.virtual()) {
                builder.virtualThreads();
            }
            if (ordered) {
                builder.ordered();
            }
            if (listener != null) {
                builder.listener(listener.get());
            }
            long count = 0;
            long sum = 0;
            try (Parallelized<Integer, Integer> par = builder.start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    if (outcome.isSuccess()) {
                        count++;
                        sum += outcome.result();
                    }
                }
            }
            sink = sum;
            return count;
        }
    }

    /**
     * The hand-written baseline: a fixed pool and an ExecutorCompletionService with a bounded in-flight window
     * (the same window as Parallelized's default), refilled one task per result taken.
     */
    static final class RawCompletionService extends BenchSystem {
        RawCompletionService() {
            super(BASELINE);
        }

        @Override
        long run(Workload workload) throws InterruptedException {
            Function<Integer, Integer> task = workload.task();
            ExecutorService pool = pool(workload);
            long count = 0;
            long sum = 0;
            try {
                ExecutorCompletionService<Integer> completion = new ExecutorCompletionService<>(pool);
                Iterator<Integer> inputs = workload.iterator();
                int window = workload.window();
                int inFlight = 0;
                while (inFlight < window && inputs.hasNext()) {
                    Integer input = inputs.next();
                    completion.submit(() -> task.apply(input));
                    inFlight++;
                }
                while (inFlight > 0) {
                    Future<Integer> done = completion.take();
                    inFlight--;
                    try {
                        sum += done.get();
                        count++;
                    } catch (ExecutionException e) {
                        // a failed task: not counted
                    }
                    if (inputs.hasNext()) {
                        Integer input = inputs.next();
                        completion.submit(() -> task.apply(input));
                        inFlight++;
                    }
                }
            } finally {
                pool.shutdown();
            }
            sink = sum;
            return count;
        }
    }

    /** The other hand-written form: submit every input to an ExecutorCompletionService, then take every result. */
    static final class SubmitAllCompletionService extends BenchSystem {
        SubmitAllCompletionService() {
            super("ecs-submit-all");
        }

        @Override
        long run(Workload workload) throws InterruptedException {
            Function<Integer, Integer> task = workload.task();
            ExecutorService pool = pool(workload);
            long count = 0;
            long sum = 0;
            try {
                ExecutorCompletionService<Integer> completion = new ExecutorCompletionService<>(pool);
                Iterator<Integer> inputs = workload.iterator();
                long submitted = 0;
                while (inputs.hasNext()) {
                    Integer input = inputs.next();
                    completion.submit(() -> task.apply(input));
                    submitted++;
                }
                for (long i = 0; i < submitted; i++) {
                    try {
                        sum += completion.take().get();
                        count++;
                    } catch (ExecutionException e) {
                        // a failed task: not counted
                    }
                }
            } finally {
                pool.shutdown();
            }
            sink = sum;
            return count;
        }
    }

    /**
     * The shortest hand-written form: {@code CompletableFuture.supplyAsync} for every input, then {@code join()} each
     * in submission order (unbounded memory; a slow early task holds back the consumer, not the workers).
     */
    static final class SubmitAllCompletableFutures extends BenchSystem {
        SubmitAllCompletableFutures() {
            super("cf-submit-all");
        }

        @Override
        long run(Workload workload) {
            Function<Integer, Integer> task = workload.task();
            ExecutorService pool = pool(workload);
            long count = 0;
            long sum = 0;
            try {
                List<CompletableFuture<Integer>> futures = new ArrayList<>();
                for (Iterator<Integer> inputs = workload.iterator(); inputs.hasNext(); ) {
                    Integer input = inputs.next();
                    futures.add(CompletableFuture.supplyAsync(() -> task.apply(input), pool));
                }
                for (CompletableFuture<Integer> future : futures) {
                    try {
                        sum += future.join();
                        count++;
                    } catch (CompletionException e) {
                        // a failed task: not counted
                    }
                }
            } finally {
                pool.shutdown();
            }
            sink = sum;
            return count;
        }
    }

    /** CompletableFuture.supplyAsync on the same kind of pool, the same window, results through a queue. */
    static final class CompletableFutures extends BenchSystem {
        CompletableFutures() {
            super("completable-future");
        }

        @Override
        long run(Workload workload) throws InterruptedException {
            Function<Integer, Integer> task = workload.task();
            ExecutorService pool = pool(workload);
            LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
            long count = 0;
            long sum = 0;
            try {
                Iterator<Integer> inputs = workload.iterator();
                int window = workload.window();
                int inFlight = 0;
                while (inFlight < window && inputs.hasNext()) {
                    submit(task, inputs.next(), pool, done);
                    inFlight++;
                }
                while (inFlight > 0) {
                    Object result = done.take();
                    inFlight--;
                    if (result instanceof Integer value) {
                        sum += value;
                        count++;
                    }
                    if (inputs.hasNext()) {
                        submit(task, inputs.next(), pool, done);
                        inFlight++;
                    }
                }
            } finally {
                pool.shutdown();
            }
            sink = sum;
            return count;
        }

        private static void submit(Function<Integer, Integer> task, Integer input, ExecutorService pool,
                                   LinkedBlockingQueue<Object> done) {
            CompletableFuture.supplyAsync(() -> task.apply(input), pool)
                    .whenComplete((result, error) -> done.add(error == null ? result : error));
        }
    }

    /** com.pivovarit:parallel-collectors: {@code parallelToStream} on the same kind of pool, completion order. */
    static final class ParallelCollectorsSystem extends BenchSystem {
        ParallelCollectorsSystem() {
            super("parallel-collectors");
        }

        @Override
        long run(Workload workload) {
            ExecutorService pool = pool(workload);
            long[] countAndSum = new long[2];
            try (Stream<Integer> inputs = workload.stream()) {
                inputs.collect(ParallelCollectors.parallelToStream(workload.task(), pool, workload.threads()))
                        .forEach(result -> {
                            countAndSum[0]++;
                            countAndSum[1] += result;
                        });
            } finally {
                pool.shutdown();
            }
            sink = countAndSum[1];
            return countAndSum[0];
        }
    }

    /**
     * A parallel stream wrapped by progressbar's {@code ProgressBar.wrap}, run in a ForkJoinPool of
     * {@code threads} (the common pool has one thread less than the cores). No virtual-thread form.
     */
    static final class ParallelStreamWithBar extends BenchSystem {
        ParallelStreamWithBar() {
            super("parallel-stream+pb");
        }

        @Override
        boolean supports(Workload workload) {
            return !workload.virtual();
        }

        @Override
        long run(Workload workload) throws Exception {
            ForkJoinPool pool = new ForkJoinPool(workload.threads());
            try {
                long[] countAndSum = pool.submit(() -> {
                    ProgressBarBuilder bar = new ProgressBarBuilder().setTaskName(workload.name())
                            .setInitialMax(workload.tasks());
                    try (Stream<Integer> inputs = ProgressBar.wrap(workload.stream().parallel(), bar)) {
                        return inputs.map(workload.task()).collect(() -> new long[2], (acc, result) -> {
                            acc[0]++;
                            acc[1] += result;
                        }, (a, b) -> {
                            a[0] += b[0];
                            a[1] += b[1];
                        });
                    }
                }).get();
                sink = countAndSum[1];
                return countAndSum[0];
            } finally {
                pool.shutdown();
            }
        }
    }
}
