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
 * client in this JVM, side by side with a local run of the same total number of threads. The cluster rows run at the
 * cluster's defaults (no {@code numThreads}: what a user gets without knowing the round-trip time). The last column
 * is the processor time the row took in all four JVMs (this one and the members, from {@code /proc}; "-" elsewhere):
 * on a machine of few cores it, more than the threads, bounds how fast the cluster rows can be; the column after it is
 * the part of it that the JIT compilers of the four JVMs took (large while they warm up: Hazelcast's code is big).
 *
 * <ul>
 *   <li>{@code cluster [--rounds N] [--warmups N] [--smoke] [--only WORKLOAD]}: {@code sleep} (3,000 tasks of 10
 *   ms), {@code 100us} (20,000 tasks that each park for 100 us) and {@code noop} (100,000 tasks returning their
 *   input), each on the members' 24 threads (3 x {@value #POOL}) against a local pool of 24, in interleaved rounds,
 *   medians; {@code --only 100us} runs one workload's two rows, {@code --only "100us cluster"} one row;
 *   {@code --smoke}: 300 sleep, 1,000 100us and 3,000 no-op tasks, one round, no warm-up (a check that it runs, in the
 *   test suite; its figures mean nothing);</li>
 *   <li>{@code cluster crash}: the kill -9 experiment: 10,000 tasks of 10 ms, one member JVM killed with SIGKILL after
 *   3,000 outcomes; prints outcomes, resubmissions and tasks that ran twice;</li>
 *   <li>{@code cluster member NAME PORT POOL [LOG_DIR]}: one member JVM (started by the two above).</li>
 * </ul>
 */
final class ClusterBench {

    static final int POOL = 8;
    private static final int SLEEP_TASKS = 3_000;
    private static final int PARK_TASKS = 20_000;
    private static final int NOOP_TASKS = 100_000;
    static final int SMOKE_SLEEP_TASKS = 300;
    static final int SMOKE_PARK_TASKS = 1_000;
    static final int SMOKE_NOOP_TASKS = 3_000;
    /** The rows of {@link #compare}, in the order of its table; every cluster row at the cluster's defaults. */
    static final List<String> ROWS = List.of("sleep local", "sleep cluster", "100us local", "100us cluster",
            "noop local", "noop cluster");

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
                String only = null;
                for (int i = 0; i < args.length; i++) {
                    switch (args[i]) {
                        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                        case "--smoke" -> smoke = true;
                        case "--only" -> only = args[++i];
                        case "compare" -> { }
                        default -> throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                }
                List<String> rows = only == null ? ROWS : workloadRows(only);
                if (smoke) {
                    compare(1, 0, SMOKE_SLEEP_TASKS, SMOKE_PARK_TASKS, SMOKE_NOOP_TASKS, rows, System.out);
                } else {
                    compare(rounds, warmups, SLEEP_TASKS, PARK_TASKS, NOOP_TASKS, rows, System.out);
                }
            }
        }
    }

    static void compare(int rounds, int warmups, int sleepTasks, int parkTasks, int noopTasks, PrintStream out)
            throws Exception {
        compare(rounds, warmups, sleepTasks, parkTasks, noopTasks, ROWS, out);
    }

    /** The local and cluster rows of one workload ({@code sleep}, {@code 100us} or {@code noop}). */
    private static List<String> workloadRows(String workload) {
        List<String> rows = ROWS.stream().filter(row -> (row + " ").startsWith(workload + " ")).toList();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("--only takes sleep, 100us or noop, was " + workload);
        }
        return rows;
    }

    static void compare(int rounds, int warmups, int sleepTasks, int parkTasks, int noopTasks, List<String> order,
                        PrintStream out) throws Exception {
        try (ClusterMembers members = ClusterMembers.start(3, POOL, null)) {
            ParallelizedCluster cluster = ParallelizedCluster.on(members.client());
            int threads = cluster.clusterThreads();
            Map<String, List<Double>> millis = new HashMap<>();
            Map<String, List<Double>> cpu = new HashMap<>();
            Map<String, List<Double>> jit = new HashMap<>();
            for (int round = 0; round < warmups + rounds; round++) {
                boolean measured = round >= warmups;
                for (int k = 0; k < order.size(); k++) {
                    String row = order.get((k + round) % order.size());
                    // the compilers' time first: reading it (every thread of four JVMs in /proc) stays out of the row
                    long jit0 = members.jitMillis();
                    long cpu0 = members.cpuMillis();
                    long own0 = ClusterMembers.ownCpuMillis();
                    long t0 = System.nanoTime();
                    long count = switch (row) {
                        case "sleep local" -> drain(Parallelized.of(Tasks.sleep(10)::apply, inputs(sleepTasks))
                                .numThreads(threads));
                        case "sleep cluster" -> drain(cluster.<Integer, Integer>of("sleep", inputs(sleepTasks)));
                        case "100us local" -> drain(Parallelized.of(ClusterBench::park100us, inputs(parkTasks))
                                .numThreads(threads));
                        case "100us cluster" -> drain(cluster.<Integer, Integer>of("park", inputs(parkTasks)));
                        case "noop local" -> drain(Parallelized.of(Tasks.noop()::apply, inputs(noopTasks))
                                .numThreads(threads));
                        default -> drain(cluster.<Integer, Integer>of("noop", inputs(noopTasks)));
                    };
                    double ms = (System.nanoTime() - t0) / 1e6;
                    long cpuMs = members.cpuMillis() - cpu0;
                    long ownMs = ClusterMembers.ownCpuMillis() - own0;
                    long jitMs = members.jitMillis() - jit0;
                    int expected = tasks(row, sleepTasks, parkTasks, noopTasks);
                    if (count != expected) {
                        throw new IllegalStateException(row + ": " + count + " outcomes for " + expected + " inputs");
                    }
                    out.printf(Locale.ROOT, "%s round %d %s: %.0f ms, processor %d ms (this JVM %d ms, JIT %d ms)%n",
                            measured ? "measured" : "warm-up", round, row, ms, cpuMs, ownMs, jitMs);
                    if (measured) {
                        millis.computeIfAbsent(row, r -> new ArrayList<>()).add(ms);
                        cpu.computeIfAbsent(row, r -> new ArrayList<>()).add((double) cpuMs);
                        jit.computeIfAbsent(row, r -> new ArrayList<>()).add((double) jitMs);
                    }
                }
            }
            out.printf(Locale.ROOT, "%n3 member JVMs (pool %d each) + a client submitter in this JVM, %d cores, Java %s;"
                    + " cluster rows at the defaults; median of %d rounds%n", POOL,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), rounds);
            out.println("| workload | system | threads | median ms | tasks/s | vs local | processor ms | of which JIT ms |");
            out.println("|---|---|---|---|---|---|---|---|");
            for (String row : order) {
                String workload = row.substring(0, row.indexOf(' '));
                int tasks = tasks(row, sleepTasks, parkTasks, noopTasks);
                double median = Report.median(millis.get(row).stream().mapToDouble(Double::doubleValue).toArray());
                List<Double> locals = millis.get(workload + " local");
                String vsLocal = locals == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                        Report.median(locals.stream().mapToDouble(Double::doubleValue).toArray()) / median);
                double processor = Report.median(cpu.get(row).stream().mapToDouble(Double::doubleValue).toArray());
                double compilers = Report.median(jit.get(row).stream().mapToDouble(Double::doubleValue).toArray());
                String label = switch (workload) {
                    case "sleep" -> tasks + " x 10 ms";
                    case "100us" -> tasks + " x 100 us";
                    default -> tasks + " noop";
                };
                out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %,.0f | %s | %s | %s |%n", label,
                        row.endsWith("cluster") ? "cluster, defaults" : "local", threads, median,
                        tasks / median * 1000, vsLocal, milliseconds(processor), milliseconds(compilers));
            }
        }
    }

    private static String milliseconds(double median) {
        return median < 0 ? "-" : String.format(Locale.ROOT, "%.0f", median);
    }

    private static int tasks(String row, int sleepTasks, int parkTasks, int noopTasks) {
        return row.startsWith("sleep") ? sleepTasks : row.startsWith("100us") ? parkTasks : noopTasks;
    }

    /** Waits 100 us without a CPU (a short call to another service): parked until the deadline. */
    static Integer park100us(Integer x) {
        long deadline = System.nanoTime() + 100_000;
        for (long left = 100_000; left > 0; left = deadline - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
        return x;
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
