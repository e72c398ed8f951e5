package io.github.parallelized.benchmarks;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.TaskLimit;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The limits' figures of issue 19, each measured side by side in this JVM, rounds interleaved:
 * <ul>
 *   <li>{@code cost}: 1,000,000 no-op tasks on 2 threads with and without a {@code TaskLimit.concurrency} far above
 *   numThreads (target: under 10 % slower);</li>
 *   <li>{@code keys}: 100,000 distinct keys through {@code limitPerKey} (run it with {@code -Xmx64m});</li>
 *   <li>{@code hosts}: 50 keys of 10 ms tasks with {@code concurrency(2)} per key on 16 threads, against the ideal
 *   of 16 tasks in flight (target: within 10 %).</li>
 * </ul>
 * Usage: {@code java -jar benchmarks.jar limits [cost|keys|hosts] [ROUNDS]}.
 */
final class LimitsBench {

    private LimitsBench() {
    }

    static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "cost";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        switch (what) {
            case "cost" -> cost(rounds);
            case "keys" -> keys(rounds);
            case "hosts" -> hosts(rounds);
            default -> throw new IllegalArgumentException("limits cost|keys|hosts [ROUNDS], not " + what);
        }
    }

    /** The CPU time of the whole process so far, in nanoseconds. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The CPU time of the last {@link #run}: on a machine busy with other work, steadier than the wall time. */
    private static long lastCpu;

    private static long run(Parallelized.Builder<Integer, Integer> builder) {
        long cpu = cpuNanos();
        long begin = System.nanoTime();
        long ok = 0;
        try (Parallelized<Integer, Integer> run = builder.progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> outcome : run) {
                if (outcome.isSuccess()) {
                    ok++;
                }
            }
        }
        long nanos = System.nanoTime() - begin;
        lastCpu = cpuNanos() - cpu;
        if (ok == 0) {
            throw new IllegalStateException("no task succeeded");
        }
        return nanos;
    }

    private static void cost(int rounds) {
        List<Integer> inputs = IntStream.range(0, 1_000_000).boxed().collect(Collectors.toList());
        TaskLimit wide = TaskLimit.concurrency(1_000);
        double[] ratios = new double[rounds];
        double[] cpuRatios = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            long plain = run(Parallelized.of((Integer i) -> i, inputs).numThreads(2));
            long plainCpu = lastCpu;
            long limited = run(Parallelized.of((Integer i) -> i, inputs).numThreads(2).limit(wide));
            long limitedCpu = lastCpu;
            if (r >= 0) {
                ratios[r] = (double) plain / limited;
                cpuRatios[r] = (double) plainCpu / limitedCpu;
                System.out.printf(Locale.ROOT, "round %d: plain %.0f ms (cpu %.0f ms), limited %.0f ms (cpu %.0f ms),"
                        + " %.2fx (cpu %.2fx)%n", r + 1, plain / 1e6, plainCpu / 1e6, limited / 1e6, limitedCpu / 1e6,
                        ratios[r], cpuRatios[r]);
            }
        }
        double median = median(ratios);
        System.out.printf(Locale.ROOT, "cost: concurrency(1000) on 2 threads at %.2fx of no limit (cpu %.2fx; target >="
                + " 0.90): %s%n", median, median(cpuRatios), median >= 0.9 ? "met" : "MISSED");
    }

    private static void keys(int rounds) {
        List<Integer> inputs = IntStream.range(0, 100_000).boxed().collect(Collectors.toList());
        for (int r = 0; r < rounds; r++) {
            long nanos = run(Parallelized.of((Integer i) -> i, inputs).numThreads(4)
                    .limitPerKey(i -> i, TaskLimit.concurrency(2).and(TaskLimit.rate(5, java.time.Duration.ofSeconds(1)))));
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "keys: 100,000 distinct keys in %.0f ms, max heap %d MB, used after %d MB%n",
                    nanos / 1e6, rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }

    private static void hosts(int rounds) {
        int perKey = 40;
        List<Integer> inputs = IntStream.range(0, 50 * perKey).boxed().collect(Collectors.toList());
        double ideal = Math.ceil(inputs.size() / 16.0) * 10;
        double[] ratios = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            long nanos = run(Parallelized.of((Integer i) -> {
                Thread.sleep(10);
                return i;
            }, inputs).numThreads(16).limitPerKey(i -> i % 50, TaskLimit.concurrency(2)));
            if (r >= 0) {
                ratios[r] = ideal / (nanos / 1e6);
                System.out.printf(Locale.ROOT, "round %d: %.0f ms, ideal %.0f ms, %.2fx%n", r + 1, nanos / 1e6, ideal,
                        ratios[r]);
            }
        }
        double median = median(ratios);
        System.out.printf(Locale.ROOT, "hosts: 50 keys x concurrency(2) on 16 threads at %.2fx of ideal (target >= 0.90): %s%n",
                median, median >= 0.9 ? "met" : "MISSED");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
