package io.github.parallelized.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the workloads on every system side by side (see {@link Rounds} for how a round is run), prints the
 * {@link Report}'s table and the {@link Targets}. Options: {@link CompareOptions}.
 */
final class Compare {

    private final CompareOptions options;
    private final List<BenchSystem> systems;

    Compare(CompareOptions options) {
        this.options = options;
        List<BenchSystem> chosen = new ArrayList<>(BenchSystem.all(Metrics::reporter));
        if (options.systems() != null) {
            chosen.removeIf(s -> !options.systems().contains(s.name()) && !Report.BASELINES.contains(s.name()));
        }
        this.systems = chosen;
    }

    Report run(PrintStream out) {
        Report report = new Report();
        boolean smoke = options.smoke();
        int cores = Runtime.getRuntime().availableProcessors();
        report.header = String.format(Locale.ROOT, "Java %s (%s), %s %s, %d cores, max heap %d MB; %d warm-up + %d"
                        + " measured rounds%s", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"), cores,
                Runtime.getRuntime().maxMemory() >> 20, options.warmups(), options.rounds(), smoke ? " (smoke)" : "");
        out.println(report.header);
        Tasks.calibrateCpu(smoke ? 0.1 : 1.0);
        Rounds rounds = new Rounds(systems, options.rounds(), out);
        int warmups = options.warmups();

        if (options.wants("noop")) {
            for (int threads : new int[] {1, 2, 4}) {
                inJvm(report, rounds, Workload.prebuilt("noop-" + threads + "t", smoke ? 20_000 : 1_000_000, threads,
                        false, Tasks.noop()));
            }
        }
        if (options.wants("fixed")) {
            Workload fixed = Workload.prebuilt("fixed-10", 10, 2, false, Tasks.noop());
            rounds.run(report, fixed, fixed.name(), warmups, Rounds.medianOf(smoke ? 5 : 200, fixed));
        }
        if (options.wants("cpu")) {
            int tasks = smoke ? 20 : 1_000;
            inJvm(report, rounds, Workload.prebuilt("cpu-1t", tasks, 1, false, Tasks.cpu()));
            inJvm(report, rounds, Workload.prebuilt("cpu-2t", tasks, 2, false, Tasks.cpu()));
        }
        if (options.wants("sleep")) {
            inJvm(report, rounds, Workload.prebuilt("sleep", smoke ? 128 : 2_000, 64, false, Tasks.sleep(10)));
        }
        if (options.wants("sleep-virtual") && VirtualExecutors.available()) {
            int tasks = smoke ? 1_000 : 10_000;
            inJvm(report, rounds, Workload.prebuilt("sleep-virtual", tasks, tasks, true, Tasks.sleep(10)));
        }
        if (options.wants("sleep-virtual-100k") && VirtualExecutors.available()) {
            int tasks = smoke ? 2_000 : 100_000;
            inJvm(report, rounds, Workload.prebuilt("sleep-virtual-100k", tasks, tasks, true, Tasks.sleep(10)));
        }
        if (options.wants("stream")) {
            int tasks = smoke ? 20_000 : 10_000_000; // smoke: few enough for the systems that keep every input
            Workload stream = Workload.generated("stream", tasks, cores, Tasks.noop());
            rounds.run(report, stream, "stream " + ForkedStream.HEAP, 0, system -> ForkedStream.measure(system, tasks, cores));
        }
        Targets.check(report);
        out.println();
        out.print(report.table());
        out.println();
        report.checks.forEach(out::println);
        return report;
    }

    private void inJvm(Report report, Rounds rounds, Workload workload) {
        rounds.run(report, workload, workload.name(), options.warmups(), Rounds.once(workload));
    }
}
