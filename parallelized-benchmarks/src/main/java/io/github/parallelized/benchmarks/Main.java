package io.github.parallelized.benchmarks;

import java.util.Arrays;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <ul>
 *   <li>{@code compare [--smoke] [--rounds N] [--warmups N] [--workloads a,b] [--systems a,b]}: the side-by-side
 *   table (default command);</li>
 *   <li>{@code jmh [JMH options]}: the JMH benchmarks of this jar;</li>
 *   <li>{@code profile SYSTEM [RUNS] [TASKS] [THREADS]}: the noop workload on one system only, over and over, to run under a
 *   profiler (JFR);</li>
 *   <li>{@code coldstart [parallelized|none|ecs|virtual|ecs-virtual]}: the time of a cold {@code start()}, in this
 *   fresh JVM;</li>
 *   <li>{@code limits [cost|keys|hosts] [ROUNDS]}: the figures of the task limits ({@link LimitsBench});</li>
 *   <li>{@code checkpoint [INPUTS] [ROUNDS] [--slowdown]}: a run of no-op inputs checkpointed into an embedded H2
 *   file database, then resumed (every input skipped), against the same run without a checkpoint; with
 *   {@code --slowdown}, also a run of 10 ms tasks with and without a checkpoint;</li>
 *   <li>{@code fuzz [FIRST_SEED] [COUNT]}: random runs with random faults, each checked for a hang and for every input
 *   accounted exactly once ({@link Fuzz});</li>
 *   <li>{@code stream-child SYSTEM TASKS THREADS}: one run of the stream workload, in the forked JVM that
 *   {@code compare} starts with {@code -Xmx32m}.</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs a command.
     *
     * @param args the command and its options
     * @throws Exception when a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "compare" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "compare" -> {
                Report report = new Compare(CompareOptions.parse(rest)).run(System.out);
                // a system that runs out of memory is a result; a wrong count of outcomes is a bug
                System.exit(report.anyWrongCount() ? 1 : 0);
            }
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "stream-child" -> ForkedStream.child(rest);
            case "profile" -> profile(rest);
            case "cluster" -> ClusterBench.main(rest);
            case "coldstart" -> ColdStart.main(rest);
            case "limits" -> LimitsBench.main(rest);
            case "checkpoint" -> CheckpointBench.main(rest);
            case "fuzz" -> Fuzz.main(rest);
            default -> {
                System.err.println("usage: compare [--smoke] [--rounds N] [--warmups N] [--workloads a,b]"
                        + " [--systems a,b] | jmh [JMH options] | profile SYSTEM [RUNS] [TASKS] [THREADS]"
                        + " | coldstart [parallelized|none|ecs|virtual|ecs-virtual] | limits [cost|keys|hosts] [ROUNDS]"
                        + " | checkpoint [INPUTS] [ROUNDS] [--slowdown] | fuzz [FIRST_SEED] [COUNT]");
                System.exit(2);
            }
        }
    }

    /** The noop workload on one system, RUNS times, printing each run's tasks per second and their median. */
    private static void profile(String[] args) throws Exception {
        BenchSystem system = BenchSystem.named(args[0], Metrics::reporter);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        Workload workload = Workload.prebuilt("noop", tasks, threads, false,
                Tasks.noop());
        double[] rates = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            long count = system.run(workload);
            rates[i] = tasks * 1e9 / (System.nanoTime() - t0);
            if (count != tasks) {
                throw new IllegalStateException("wrong count " + count);
            }
            System.out.printf(java.util.Locale.ROOT, "%s run %d: %,.0f tasks/s%n", system.name(), i, rates[i]);
        }
        System.out.printf(java.util.Locale.ROOT, "%s median: %,.0f tasks/s%n", system.name(), Report.median(rates));
    }
}
