package io.github.parallelized.benchmarks;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.Summary;
import io.github.parallelized.TaskFunction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The speed of resumable runs: INPUTS no-op inputs (default 1,000,000) checkpointed into an embedded H2 file
 * database ({@code WRITE_DELAY=0}, as the documentation sets it), then the same run resumed, every input skipped,
 * beside the same run without a checkpoint; each a fresh database (behind H2's connection pool) per round, ROUNDS rounds (default 3), the median
 * printed. Targets: checkpointed at least 200,000 inputs/s, skipped at least 500,000 inputs/s. With
 * {@code --slowdown}: 2,000 tasks of 10 ms on 8 threads, with and without a checkpoint (target: under 2 % slower).
 */
final class CheckpointBench {

    private CheckpointBench() {
    }

    static void main(String[] args) throws Exception {
        List<String> all = Arrays.asList(args);
        List<String> numbers = all.stream().filter(a -> !a.startsWith("--")).toList();
        int inputs = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 1_000_000;
        int rounds = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 3;
        int threads = Runtime.getRuntime().availableProcessors();
        double[] plain = new double[rounds];
        double[] recorded = new double[rounds];
        double[] skipped = new double[rounds];
        double[] recordedCpu = new double[rounds];
        double[] skippedCpu = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("checkpoint-bench");
            try {
                // pooled, as an application's DataSource is (Spring Boot's is Hikari)
                JdbcConnectionPool dataSource = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("checkpoints")
                        + ";WRITE_DELAY=0", "sa", "");
                CheckpointStore store = CheckpointStore.jdbc(dataSource);
                plain[round] = rate(inputs, () -> Parallelized.of((Integer i) -> i, stream(inputs)).numThreads(threads),
                        0);
                long cpu = cpuNanos();
                recorded[round] = rate(inputs, () -> Parallelized.of((Integer i) -> i, stream(inputs))
                        .numThreads(threads).checkpoint(store, "bench", String::valueOf), 0);
                recordedCpu[round] = (cpuNanos() - cpu) / 1e3 / inputs;
                System.out.printf(Locale.ROOT, "round %d: checkpointed %,.0f/s%n", round, recorded[round]);
                if (store.succeeded("bench") != inputs) {
                    throw new IllegalStateException("recorded " + store.succeeded("bench") + " of " + inputs);
                }
                cpu = cpuNanos();
                skipped[round] = rate(inputs, () -> Parallelized.of((Integer i) -> i, stream(inputs))
                        .numThreads(threads).checkpoint(store, "bench", String::valueOf), inputs);
                skippedCpu[round] = (cpuNanos() - cpu) / 1e3 / inputs;
                try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
                    statement.execute("SHUTDOWN");
                }
                dataSource.dispose();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            System.out.printf(Locale.ROOT, "round %d: plain %,.0f/s, checkpointed %,.0f/s (%.2f us CPU/input), "
                    + "skipped %,.0f/s (%.2f us CPU/input)%n", round, plain[round], recorded[round],
                    recordedCpu[round], skipped[round], skippedCpu[round]);
        }
        double record = Report.median(recorded);
        double skip = Report.median(skipped);
        System.out.printf(Locale.ROOT, "%,d no-op inputs, %d threads, embedded H2 file database, median of %d:%n",
                inputs, threads, rounds);
        System.out.printf(Locale.ROOT, "  without checkpoint  %,12.0f inputs/s%n", Report.median(plain));
        System.out.printf(Locale.ROOT, "  checkpointed        %,12.0f inputs/s  (target >= 200,000: %s)%n", record,
                record >= 200_000 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "  resumed, all skipped%,12.0f inputs/s  (target >= 500,000: %s)%n", skip,
                skip >= 500_000 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "  CPU per input (all threads of the JVM, median): checkpointed %.2f us, "
                + "skipped %.2f us (2 cores give 2e6 us/s: the rate an idle machine would allow)%n",
                Report.median(recordedCpu), Report.median(skippedCpu));
        if (all.contains("--slowdown")) {
            slowdown();
        }
    }

    /** The CPU time of all the JVM's threads so far: on a shared machine, the cost that load does not change much. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Stream<Integer> stream(int inputs) {
        return IntStream.range(0, inputs).boxed();
    }

    private static double rate(int inputs, java.util.function.Supplier<Parallelized.Builder<Integer, Integer>> run,
                               long expectSkipped) {
        long t0 = System.nanoTime();
        long outcomes = 0;
        Summary summary;
        try (Parallelized<Integer, Integer> started = run.get().progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> ignored : started) {
                outcomes++;
            }
            summary = started.summary();
        }
        long nanos = System.nanoTime() - t0;
        if (summary.skipped() != expectSkipped || outcomes + summary.skipped() != inputs) {
            throw new IllegalStateException("wrong counts: " + summary);
        }
        return inputs * 1e9 / nanos;
    }

    /** 2,000 tasks of 10 ms on 8 threads, alternately without and with a checkpoint, 5 rounds each. */
    private static void slowdown() throws Exception {
        int tasks = 2_000;
        TaskFunction<Integer, Integer> tenMillis = i -> {
            Thread.sleep(10);
            return i;
        };
        double[] ratios = new double[5];
        for (int round = 0; round < ratios.length; round++) {
            Path dir = Files.createTempDirectory("checkpoint-slowdown");
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:file:" + dir.resolve("checkpoints") + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
            CheckpointStore store = CheckpointStore.jdbc(dataSource);
            double plain = rate(tasks, () -> Parallelized.of(tenMillis, stream(tasks)).numThreads(8), 0);
            double checkpointed = rate(tasks, () -> Parallelized.of(tenMillis, stream(tasks)).numThreads(8)
                    .checkpoint(store, "slowdown", String::valueOf), 0);
            ratios[round] = plain / checkpointed;
            System.out.printf(Locale.ROOT, "10 ms tasks round %d: plain %,.0f/s, checkpointed %,.0f/s%n", round, plain,
                    checkpointed);
            try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
        double slowdown = (Report.median(ratios) - 1) * 100;
        System.out.printf(Locale.ROOT, "  10 ms tasks: checkpoint slowdown %.2f %% (target < 2 %%: %s)%n", slowdown,
                slowdown < 2 ? "met" : "MISSED");
    }
}
