package io.github.parallelized.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the workloads on every system side by side: in each round the systems take turns in a rotated order, so
 * that a slow phase of the machine hits them all alike; a few warm-up rounds come first; each cell is the median
 * of the measured rounds, and each ratio the median of the per-round ratios to the raw ExecutorCompletionService
 * of the same round. The stream workload runs each system in a JVM of its own with {@code -Xmx64m}.
 */
final class Compare {

    /** What to run and how often. */
    record Options(boolean smoke, int rounds, int warmups, Set<String> workloads, Set<String> systems) {

        static Options parse(String... args) {
            boolean smoke = false;
            Integer rounds = null;
            Integer warmups = null;
            Set<String> workloads = null;
            Set<String> systems = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--smoke" -> smoke = true;
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                    case "--workloads" -> workloads = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                    case "--systems" -> systems = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(smoke, rounds != null ? rounds : smoke ? 1 : 5,
                    warmups != null ? warmups : smoke ? 0 : 2, workloads, systems);
        }
    }

    /** One measured run. */
    record Sample(long nanos, long peakBytes) {
    }

    /** One line of the table: a workload on a system. */
    static final class Row {
        final String workload;
        final String system;
        final int tasks;
        final String threads;
        /** Per round; null where the system did not run in that round. */
        final List<Sample> samples = new ArrayList<>();
        String failure;

        Row(String workload, String system, int tasks, String threads) {
            this.workload = workload;
            this.system = system;
            this.tasks = tasks;
            this.threads = threads;
        }

        boolean ok() {
            return failure == null && !samples.isEmpty();
        }

        double medianNanos() {
            return median(samples.stream().mapToDouble(Sample::nanos).toArray());
        }

        double tasksPerSecond() {
            return median(samples.stream().mapToDouble(s -> tasks * 1e9 / s.nanos()).toArray());
        }

        double medianPeakBytes() {
            return median(samples.stream().mapToDouble(Sample::peakBytes).toArray());
        }
    }

    /** The outcome of a compare run. */
    static final class Report {
        final Map<String, Row> rows = new LinkedHashMap<>();
        final List<String> checks = new ArrayList<>();
        String header = "";

        Row row(String workload, String system) {
            return rows.get(workload + "/" + system);
        }

        boolean allOk() {
            return rows.values().stream().allMatch(Row::ok);
        }

        boolean anyWrongCount() {
            return rows.values().stream().anyMatch(row -> row.failure != null && row.failure.startsWith("WRONG"));
        }

        /** The per-round ratio of a system's throughput to the windowed baseline's, median over the rounds. */
        double ratio(Row row) {
            return ratio(row, BenchSystem.BASELINE);
        }

        /** The per-round ratio of a system's throughput to another's, median over the rounds. */
        double ratio(Row row, String baseline) {
            Row base = row(row.workload, baseline);
            if (base == null || !row.ok() || !base.ok()) {
                return Double.NaN;
            }
            int n = Math.min(base.samples.size(), row.samples.size());
            double[] ratios = new double[n];
            for (int i = 0; i < n; i++) {
                ratios[i] = (double) base.samples.get(i).nanos() / row.samples.get(i).nanos();
            }
            return median(ratios);
        }

        String table() {
            StringBuilder t = new StringBuilder();
            t.append("| workload | tasks | threads | system | tasks/s | vs ecs | vs ecs-submit-all | wall ms"
                    + " | peak heap MB |\n");
            t.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
            for (Row row : rows.values()) {
                t.append("| ").append(row.workload).append(" | ").append(row.tasks).append(" | ").append(row.threads)
                        .append(" | ").append(row.system).append(" | ");
                if (!row.ok()) {
                    t.append(row.failure == null ? "not run" : row.failure).append(" | | | | |\n");
                    continue;
                }
                double submitAll = ratio(row, "ecs-submit-all");
                t.append(String.format(Locale.ROOT, "%,.0f | %.2fx | %s | %.3f | %.0f |%n", row.tasksPerSecond(),
                        ratio(row), Double.isNaN(submitAll) ? "" : String.format(Locale.ROOT, "%.2fx", submitAll),
                        row.medianNanos() / 1e6, row.medianPeakBytes() / (1024.0 * 1024.0)));
            }
            return t.toString();
        }
    }

    private final Options options;
    private final List<BenchSystem> systems;

    Compare(Options options) {
        this.options = options;
        List<BenchSystem> chosen = new ArrayList<>(BenchSystem.all(Metrics::reporter));
        if (options.systems() != null) {
            chosen.removeIf(s -> !options.systems().contains(s.name()) && !s.name().equals(BenchSystem.BASELINE));
        }
        this.systems = chosen;
    }

    private boolean wanted(String workload) {
        return options.workloads() == null || options.workloads().contains(workload);
    }

    Report run(PrintStream out) throws Exception {
        Report report = new Report();
        boolean smoke = options.smoke();
        int cores = Runtime.getRuntime().availableProcessors();
        report.header = String.format(Locale.ROOT, "Java %s (%s), %s %s, %d cores, max heap %d MB; %d warm-up + %d"
                        + " measured rounds%s", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"), cores,
                Runtime.getRuntime().maxMemory() >> 20, options.warmups(), options.rounds(), smoke ? " (smoke)" : "");
        out.println(report.header);
        Tasks.calibrateCpu(smoke ? 0.1 : 1.0);

        if (wanted("noop")) {
            measure(report, Workload.prebuilt("noop", smoke ? 20_000 : 1_000_000, cores, false, Tasks.noop()), out);
        }
        if (wanted("fixed")) {
            measureFixed(report, smoke ? 5 : 200, out);
        }
        if (wanted("cpu")) {
            int tasks = smoke ? 20 : 1_000;
            measure(report, Workload.prebuilt("cpu-1t", tasks, 1, false, Tasks.cpu()), out);
            measure(report, Workload.prebuilt("cpu-2t", tasks, 2, false, Tasks.cpu()), out);
        }
        if (wanted("sleep")) {
            measure(report, Workload.prebuilt("sleep", smoke ? 128 : 2_000, 64, false, Tasks.sleep(10)), out);
        }
        if (wanted("sleep-virtual") && VirtualExecutors.available()) {
            int tasks = smoke ? 1_000 : 10_000;
            measure(report, Workload.prebuilt("sleep-virtual", tasks, tasks, true, Tasks.sleep(10)), out);
        }
        if (wanted("stream")) {
            measureStream(report, smoke ? 100_000 : 10_000_000, cores, out);
        }
        checks(report);
        out.println();
        out.print(report.table());
        out.println();
        report.checks.forEach(out::println);
        return report;
    }

    private List<BenchSystem> rotated(int round) {
        List<BenchSystem> order = new ArrayList<>(systems);
        Collections.rotate(order, -Math.floorMod(round, order.size()));
        return order;
    }

    private void measure(Report report, Workload workload, PrintStream out) {
        String threads = workload.virtual() ? workload.threads() + " virtual" : Integer.toString(workload.threads());
        for (BenchSystem system : systems) {
            Row row = new Row(workload.name(), system.name(), workload.tasks(), threads);
            if (!system.supports(workload)) {
                row.failure = "n/a";
            }
            report.rows.put(workload.name() + "/" + system.name(), row);
        }
        for (int round = -options.warmups(); round < options.rounds(); round++) {
            for (BenchSystem system : rotated(round)) {
                Row row = report.row(workload.name(), system.name());
                if (row.failure != null) {
                    continue;
                }
                Heap.reset();
                long t0 = System.nanoTime();
                long count;
                try {
                    count = system.run(workload);
                } catch (Throwable e) {
                    row.failure = "failed: " + e;
                    continue;
                }
                long nanos = System.nanoTime() - t0;
                long peak = Heap.peak();
                if (count != workload.tasks()) {
                    row.failure = "WRONG COUNT: " + count + " of " + workload.tasks();
                } else if (round >= 0) {
                    row.samples.add(new Sample(nanos, peak));
                }
            }
            progress(out, workload.name(), round);
        }
    }

    /** The fixed cost of a run: 10 trivial tasks from start to the end of close, repeated, median per round. */
    private void measureFixed(Report report, int repetitions, PrintStream out) {
        Workload workload = Workload.prebuilt("fixed-10", 10, 2, false, Tasks.noop());
        for (BenchSystem system : systems) {
            report.rows.put(workload.name() + "/" + system.name(),
                    new Row(workload.name(), system.name(), workload.tasks(), "2"));
        }
        for (int round = -options.warmups(); round < options.rounds(); round++) {
            for (BenchSystem system : rotated(round)) {
                Row row = report.row(workload.name(), system.name());
                if (row.failure != null) {
                    continue;
                }
                Heap.reset();
                double[] nanos = new double[repetitions];
                try {
                    for (int i = 0; i < repetitions; i++) {
                        long t0 = System.nanoTime();
                        long count = system.run(workload);
                        nanos[i] = System.nanoTime() - t0;
                        if (count != workload.tasks()) {
                            row.failure = "WRONG COUNT: " + count + " of " + workload.tasks();
                        }
                    }
                } catch (Throwable e) {
                    row.failure = "failed: " + e;
                    continue;
                }
                if (round >= 0 && row.failure == null) {
                    row.samples.add(new Sample((long) median(nanos), Heap.peak()));
                }
            }
            progress(out, workload.name(), round);
        }
    }

    /** Each system in a JVM of its own with {@code -Xmx64m}, over a lazily generated stream of inputs. */
    private void measureStream(Report report, int tasks, int threads, PrintStream out) throws Exception {
        String name = "stream -Xmx64m";
        for (BenchSystem system : systems) {
            report.rows.put(name + "/" + system.name(), new Row(name, system.name(), tasks, Integer.toString(threads)));
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        for (int round = 0; round < options.rounds(); round++) {
            for (BenchSystem system : rotated(round)) {
                Row row = report.row(name, system.name());
                if (row.failure != null) {
                    continue;
                }
                ProcessBuilder child = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                        System.getProperty("java.class.path"), Main.class.getName(), "stream-child", system.name(),
                        Integer.toString(tasks), Integer.toString(threads));
                child.redirectError(ProcessBuilder.Redirect.INHERIT);
                Process process = child.start();
                String result = null;
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("RESULT ")) {
                            result = line;
                        }
                    }
                }
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    row.failure = "failed: no end after 10 minutes";
                    continue;
                }
                int exit = process.exitValue();
                if (result == null || exit != 0) {
                    row.failure = exit == 3 ? "failed: OutOfMemoryError" : "failed: exit code " + exit;
                    continue;
                }
                String[] parts = result.split(" ");
                long count = Long.parseLong(parts[1]);
                if (count != tasks) {
                    row.failure = "WRONG COUNT: " + count + " of " + tasks;
                    continue;
                }
                row.samples.add(new Sample(Long.parseLong(parts[2]), Long.parseLong(parts[3])));
            }
            progress(out, name, round);
        }
    }

    /** {@code stream-child SYSTEM TASKS THREADS}: prints {@code RESULT count nanos peakBytes}. */
    static void streamChild(String[] args) throws Exception {
        BenchSystem system = BenchSystem.named(args[0], Metrics::reporter);
        Workload workload = Workload.generated("stream", Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Tasks.noop());
        if (args[0].equals("parallelized-micrometer")) {
            Metrics.reporter();
        }
        Heap.reset();
        long t0 = System.nanoTime();
        long count = system.run(workload);
        long nanos = System.nanoTime() - t0;
        System.out.println("RESULT " + count + " " + nanos + " " + Heap.peak());
        System.out.flush();
        System.exit(0);
    }

    private void progress(PrintStream out, String workload, int round) {
        if (round < 0) {
            out.printf(Locale.ROOT, "%s: warm-up round %d of %d done%n", workload, round + options.warmups() + 1,
                    options.warmups());
        } else {
            out.printf(Locale.ROOT, "%s: round %d of %d done%n", workload, round + 1, options.rounds());
        }
    }

    /** The targets of the issue, computed from the table. */
    private static void checks(Report report) {
        List<String> checks = report.checks;
        for (String system : List.of("parallelized-none", "parallelized-console", "parallelized-micrometer",
                "completable-future", "parallel-collectors", "parallel-stream+pb")) {
            Row row = report.row("noop", system);
            if (row != null && row.ok()) {
                checks.add(String.format(Locale.ROOT, "noop: %s at %.2fx of ecs, %.2fx of ecs-submit-all", system,
                        report.ratio(row), report.ratio(row, "ecs-submit-all")));
            }
        }
        Row fixed = report.row("fixed-10", "parallelized-console");
        if (fixed != null && fixed.ok()) {
            checks.add(String.format(Locale.ROOT, "fixed cost: parallelized-console runs 10 tasks start-to-close in"
                    + " %.3f ms (target < 2 ms)", fixed.medianNanos() / 1e6));
        }
        for (Row one : report.rows.values()) {
            if (one.workload.equals("cpu-1t") && one.ok()) {
                Row two = report.row("cpu-2t", one.system);
                if (two != null && two.ok()) {
                    checks.add(String.format(Locale.ROOT, "cpu: %s 2 threads at %.2fx of 1 thread (target >= 1.8x)",
                            one.system, two.tasksPerSecond() / one.tasksPerSecond()));
                }
            }
        }
        Function<Row, String> sleepCheck = row -> {
            int threads = Integer.parseInt(row.threads.split(" ")[0]);
            double ideal = Math.ceil((double) row.tasks / threads) * 10.0;
            return String.format(Locale.ROOT, "%s: %s %.1f ms wall, ideal %.0f ms (%+.1f%%)", row.workload,
                    row.system, row.medianNanos() / 1e6, ideal, (row.medianNanos() / 1e6 / ideal - 1) * 100);
        };
        for (Row row : report.rows.values()) {
            if (row.workload.startsWith("sleep") && row.ok()) {
                checks.add(sleepCheck.apply(row));
            }
        }
        for (Row row : report.rows.values()) {
            if (row.workload.startsWith("stream")) {
                checks.add(String.format(Locale.ROOT, "stream: %s %s", row.system,
                        row.ok() ? "completed within -Xmx64m" : row.failure));
            }
        }
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

}
