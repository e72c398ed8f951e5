package io.github.parallelized.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.hazelcast.ClusterRunStats;
import io.github.parallelized.hazelcast.ParallelizedCluster;

/**
 * The cluster rows: Parallelized over three Hazelcast member JVMs on this machine (loopback only), submitted from a
 * client in this JVM, side by side with a local run of the same total number of threads.
 *
 * <ul>
 *   <li>{@code cluster [--rounds N] [--warmups N] [--smoke]}: {@code sleep} (3,000 tasks of 10 ms; the members' 48 threads
 *   against a local pool of 48) and {@code noop} (100,000 tasks returning their input; tasks per second), in
 *   interleaved rounds, medians (no-op also with 4 and 16 times the members' threads in flight, so that tasks
 *   travel in batches); {@code --smoke}: 300 sleep and 3,000 no-op tasks, one round, no warm-up (a check that it runs, in
 *   the test suite; its figures mean nothing);</li>
 *   <li>{@code cluster crash}: the kill -9 experiment: 10,000 tasks of 10 ms, one member JVM killed with SIGKILL after
 *   3,000 outcomes; prints outcomes, resubmissions and tasks that ran twice;</li>
 *   <li>{@code cluster member NAME PORT POOL [LOG_DIR]}: one member JVM (started by the two above).</li>
 * </ul>
 */
final class ClusterBench {

    static final int POOL = 16;
    private static final int SLEEP_TASKS = 3_000;
    private static final int NOOP_TASKS = 100_000;
    static final int SMOKE_SLEEP_TASKS = 300;
    static final int SMOKE_NOOP_TASKS = 3_000;
    /** The rows of {@link #compare}, in the order of its table. */
    static final List<String> ROWS = List.of("sleep local", "sleep cluster", "sleep cluster x2", "noop local",
            "noop cluster", "noop cluster x4", "noop cluster x16");

    /** The rows, in the order of the table (a cluster run's workers do not wait for answers: no virtual row). */
    static List<String> rows() {
        return ROWS;
    }

    private ClusterBench() {
    }

    static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "compare";
        switch (mode) {
            case "member" -> ClusterMembers.member(args);
            case "crash" -> crash(System.out);
            default -> {
                int rounds = 5;
                int warmups = 1;
                boolean smoke = false;
                for (int i = 0; i < args.length; i++) {
                    switch (args[i]) {
                        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                        case "--smoke" -> smoke = true;
                        case "compare" -> { }
                        default -> throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                }
                if (smoke) {
                    compare(1, 0, SMOKE_SLEEP_TASKS, SMOKE_NOOP_TASKS, System.out);
                } else {
                    compare(rounds, warmups, SLEEP_TASKS, NOOP_TASKS, System.out);
                }
            }
        }
    }

    static void compare(int rounds, int warmups, int sleepTasks, int noopTasks, PrintStream out) throws Exception {
        try (ClusterMembers members = ClusterMembers.start(3, POOL, null)) {
            ParallelizedCluster cluster = ParallelizedCluster.on(members.client());
            int threads = cluster.clusterThreads();
            Map<String, List<Double>> millis = new HashMap<>();
            List<String> order = rows();
            for (int round = 0; round < warmups + rounds; round++) {
                boolean measured = round >= warmups;
                for (int k = 0; k < order.size(); k++) {
                    String row = order.get((k + round) % order.size());
                    long t0 = System.nanoTime();
                    long count = switch (row) {
                        case "sleep local" -> drain(Parallelized.of(Tasks.sleep(10)::apply, inputs(sleepTasks))
                                .numThreads(threads));
                        case "sleep cluster" -> drain(cluster.<Integer, Integer>of("sleep", inputs(sleepTasks)));
                        case "sleep cluster x2" -> drain(cluster.<Integer, Integer>of("sleep", inputs(sleepTasks))
                                .numThreads(2 * threads));
                        case "noop local" -> drain(Parallelized.of(Tasks.noop()::apply, inputs(noopTasks))
                                .numThreads(threads));
                        case "noop cluster" -> drain(cluster.<Integer, Integer>of("noop", inputs(noopTasks)));
                        case "noop cluster x4" -> drain(cluster.<Integer, Integer>of("noop", inputs(noopTasks))
                                .numThreads(4 * threads));
                        default -> drain(cluster.<Integer, Integer>of("noop", inputs(noopTasks)).numThreads(16 * threads));
                    };
                    double ms = (System.nanoTime() - t0) / 1e6;
                    int expected = row.startsWith("sleep") ? sleepTasks : noopTasks;
                    if (count != expected) {
                        throw new IllegalStateException(row + ": " + count + " outcomes for " + expected + " inputs");
                    }
                    out.printf(Locale.ROOT, "%s round %d %s: %.0f ms%n", measured ? "measured" : "warm-up", round, row, ms);
                    if (measured) {
                        millis.computeIfAbsent(row, r -> new ArrayList<>()).add(ms);
                    }
                }
            }
            out.printf(Locale.ROOT, "%n3 member JVMs (pool %d each) + a client submitter in this JVM, %d cores, Java %s;"
                    + " median of %d rounds%n", POOL, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), rounds);
            out.println("| workload | system | threads in flight | median ms | tasks/s | vs local |");
            out.println("|---|---|---|---|---|---|");
            for (String row : order) {
                String workload = row.substring(0, row.indexOf(' '));
                int tasks = workload.equals("sleep") ? sleepTasks : noopTasks;
                double median = Report.median(millis.get(row).stream().mapToDouble(Double::doubleValue).toArray());
                double local = Report.median(millis.get(workload + " local").stream().mapToDouble(Double::doubleValue)
                        .toArray());
                int inFlight = row.contains("x16") ? 16 * threads : row.contains("x4") ? 4 * threads
                        : row.contains("x2") ? 2 * threads : threads;
                out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %,.0f | %.2fx |%n",
                        workload.equals("sleep") ? tasks + " x 10 ms" : tasks + " noop",
                        row.substring(workload.length() + 1), inFlight, median, tasks / median * 1000, local / median);
            }
        }
    }

    static void crash(PrintStream out) throws Exception {
        int tasks = 10_000;
        java.nio.file.Path logs = java.nio.file.Files.createTempDirectory("parallelized-crash");
        try (ClusterMembers members = ClusterMembers.start(3, POOL, logs)) {
            ParallelizedCluster cluster = ParallelizedCluster.on(members.client());
            Map<Integer, Integer> outcomesPerInput = new HashMap<>();
            long failed = 0;
            ClusterRunStats stats;
            long t0 = System.nanoTime();
            try (Parallelized<Integer, Integer> run = cluster.<Integer, Integer>of("logged-sleep", inputs(tasks))
                    .desc("kill -9 experiment").progress(ProgressReporter.console()).start()) {
                Iterator<Outcome<Integer, Integer>> it = run.iterator();
                int seen = 0;
                while (it.hasNext()) {
                    Outcome<Integer, Integer> outcome = it.next();
                    outcomesPerInput.merge(outcome.input(), 1, Integer::sum);
                    failed += outcome.isSuccess() ? 0 : 1;
                    if (++seen == 3_000) {
                        long pid = members.kill(2);
                        run.progress().write("kill -9 " + pid + " (a member JVM) after 3,000 outcomes");
                    }
                }
                stats = cluster.stats(run).orElseThrow();
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            Map<Integer, Integer> starts = ClusterMembers.startsPerInput(logs);
            long twice = starts.values().stream().filter(n -> n > 1).count();
            long notOnce = outcomesPerInput.values().stream().filter(n -> n != 1).count();
            out.printf(Locale.ROOT, "%,d inputs, %,d outcomes (%,d inputs without exactly one), %,d failed;"
                            + " %,d resubmitted, %,d ran twice; by member %s; %,d ms%n",
                    tasks, outcomesPerInput.values().stream().mapToInt(Integer::intValue).sum(), tasks
                            - outcomesPerInput.size() + notOnce, failed, stats.resubmissions(), twice,
                    stats.completedByMember(), elapsedMs);
            if (notOnce != 0 || outcomesPerInput.size() != tasks) {
                System.exit(1);
            }
        }
    }

    private static List<Integer> inputs(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static long drain(Parallelized.Builder<Integer, Integer> builder) {
        long count = 0;
        try (Parallelized<Integer, Integer> run = builder.progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> outcome : run) {
                if (outcome.isSuccess()) {
                    count++;
                }
            }
        }
        return count;
    }
}
