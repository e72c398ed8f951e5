package io.github.parallelized.benchmarks;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * The cost of a cold {@code start()}: one run of 3 tasks of 100 ms in a fresh JVM, timed from inside.
 * {@code coldstart [parallelized|none|ecs|virtual|ecs-virtual]}: with the console bar (the default display), with
 * no display, or a plain {@link ExecutorCompletionService} submitting the same tasks; {@code virtual} and
 * {@code ecs-virtual} are the first and the last on virtual threads (Java 21 and later). Prints one line: the time {@code start()}
 * (or the submissions) took, the calling thread's processor time meanwhile (steadier than the time on a loaded
 * machine), the classes loaded meanwhile, the run's wall time from just before {@code start()},
 * the elapsed time the run's progress reports at its end (what the bar shows), and how much later than the call
 * to {@code start()} that clock began. Run it in a fresh JVM each
 * time, under a terminal for the bar (for instance {@code script -qc 'java -jar ...' /dev/null}).
 */
final class ColdStart {

    private ColdStart() {
    }

    static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "parallelized";
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        List<Integer> inputs = List.of(1, 2, 3);
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long cpuStart = 0;
        long loadedBefore = classes.getTotalLoadedClassCount();
        long t0 = System.nanoTime();
        long startNanos;
        long loaded;
        double barSeconds = Double.NaN;
        double clockLateMillis = Double.NaN;
        if (mode.startsWith("ecs")) {
            ExecutorService pool = mode.equals("ecs-virtual") ? VirtualExecutors.perTask()
                    : Executors.newFixedThreadPool(3);
            ExecutorCompletionService<Integer> ecs = new ExecutorCompletionService<>(pool);
            for (Integer input : inputs) {
                ecs.submit(() -> sleep(input));
            }
            startNanos = System.nanoTime() - t0;
            cpuStart = threads.getCurrentThreadCpuTime() - cpuBefore;
            loaded = classes.getTotalLoadedClassCount() - loadedBefore;
            for (int i = 0; i < inputs.size(); i++) {
                ecs.take().get();
            }
            pool.shutdown();
        } else {
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of(ColdStart::sleep, inputs)
                    .numThreads(3).desc("cold");
            if (mode.equals("none")) {
                builder.progress(ProgressReporter.none());
            }
            if (mode.equals("virtual")) {
                builder.virtualThreads();
            }
            cpuBefore = threads.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
            try (Parallelized<Integer, Integer> run = builder.start()) {
                startNanos = System.nanoTime() - t0;
                cpuStart = threads.getCurrentThreadCpuTime() - cpuBefore;
                loaded = classes.getTotalLoadedClassCount() - loadedBefore;
                for (Outcome<Integer, Integer> o : run) {
                    if (Double.isNaN(clockLateMillis)) {
                        // how much later than the call to start() the run's clock (the bar's elapsed time) began
                        long at = System.nanoTime();
                        clockLateMillis = (at - t0) / 1e6 - run.progress().snapshot().elapsed().toNanos() / 1e6;
                    }
                    if (!o.isSuccess()) {
                        throw new IllegalStateException("failed: " + o.error());
                    }
                }
                barSeconds = run.progress().snapshot().elapsed().toNanos() / 1e9;
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: start %.1f ms (caller's CPU %.1f ms), %d classes loaded, wall %.1f ms, reported elapsed %.1f ms,"
                + " clock began %.1f ms after start() was called%n",
                mode, startNanos / 1e6, cpuStart / 1e6, loaded, wall * 1e3, barSeconds * 1e3, clockLateMillis);
    }

    private static Integer sleep(Integer input) throws InterruptedException {
        Thread.sleep(100);
        return input;
    }
}
