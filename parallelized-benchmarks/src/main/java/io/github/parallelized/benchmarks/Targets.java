package io.github.parallelized.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The speed targets, checked against a compare run's table: each line says the measured figure, the target, and
 * whether it was met. The figures are ratios of rounds run side by side, never absolute times.
 */
final class Targets {

    private Targets() {
    }

    static void check(Report report) {
        List<String> checks = report.checks;
        for (Report.Row row : report.rows.values()) {
            if (!row.workload.startsWith("noop") || !row.ok()) {
                continue;
            }
            switch (row.system) {
                case "parallelized-console" -> {
                    checks.add(target(row, report.ratio(row, "ecs-submit-all"), "ecs-submit-all", 1.5));
                    checks.add(target(row, report.ratio(row, "cf-submit-all"), "cf-submit-all", 1.2));
                    checks.add(String.format(Locale.ROOT, "%s: %s slowest round %.2fx the fastest (target <= 1.5): %s"
                            + " (rounds of %s ms)", row.workload, row.system, row.spread(), verdict(row.spread() <= 1.5),
                            row.roundMillis()));
                }
                case "parallelized-micrometer" ->
                        checks.add(target(row, report.ratio(row, "ecs-submit-all"), "ecs-submit-all", 1.3));
                case "parallelized-ordered" -> checks.add(target(row, report.ratio(row, "parallelized-console"),
                        "parallelized-console", 0.8));
                case "parallelized-none", "completable-future", "parallel-collectors", "parallel-stream+pb" ->
                        checks.add(String.format(Locale.ROOT, "%s: %s at %.2fx of ecs-submit-all, %.2fx of cf-submit-all",
                                row.workload, row.system, report.ratio(row, "ecs-submit-all"),
                                report.ratio(row, "cf-submit-all")));
                default -> {
                }
            }
        }
        Report.Row fixed = report.row("fixed-10", "parallelized-console");
        if (fixed != null && fixed.ok()) {
            double millis = fixed.medianNanos() / 1e6;
            checks.add(String.format(Locale.ROOT, "fixed cost: parallelized-console runs 10 tasks start-to-close in"
                    + " %.3f ms (target < 2 ms): %s", millis, verdict(millis < 2)));
        }
        for (Report.Row one : report.rows.values()) {
            Report.Row two = report.row("cpu-2t", one.system);
            if (one.workload.equals("cpu-1t") && one.ok() && two != null && two.ok()) {
                double speedUp = two.tasksPerSecond() / one.tasksPerSecond();
                checks.add(String.format(Locale.ROOT, "cpu: %s 2 threads at %.2fx of 1 thread (target >= 1.9x): %s",
                        one.system, speedUp, verdict(speedUp >= 1.9)));
            }
        }
        for (Report.Row row : report.rows.values()) {
            if (row.workload.startsWith("sleep") && row.ok()) {
                int threads = Integer.parseInt(row.threads.split(" ")[0]);
                double ideal = Math.ceil((double) row.tasks / threads) * 10.0;
                double over = (row.medianNanos() / 1e6 / ideal - 1) * 100;
                checks.add(String.format(Locale.ROOT, "%s: %s %.1f ms wall, ideal %.0f ms (%+.1f%%, target <= +4%%): %s",
                        row.workload, row.system, row.medianNanos() / 1e6, ideal, over, verdict(over <= 4)));
            }
        }
        for (Report.Row row : report.rows.values()) {
            // virtual threads: as fast as a virtual thread per task with an ExecutorCompletionService, in as little heap
            if (row.workload.startsWith("sleep-virtual") && row.system.equals("parallelized-console") && row.ok()) {
                Report.Row base = report.row(row.workload, BenchSystem.BASELINE);
                double target = row.workload.endsWith("100k") ? 0.8 : 0.9;
                checks.add(target(row, report.ratio(row, BenchSystem.BASELINE), BenchSystem.BASELINE, target));
                if (base != null && base.ok()) {
                    double heap = row.medianPeakBytes() / Math.max(1, base.medianPeakBytes());
                    checks.add(String.format(Locale.ROOT, "%s: %s peak heap %.2fx of %s (target <= 2x): %s",
                            row.workload, row.system, heap, BenchSystem.BASELINE, verdict(heap <= 2)));
                }
            }
        }
        for (Report.Row row : report.rows.values()) {
            if (row.workload.startsWith("stream")) {
                checks.add(String.format(Locale.ROOT, "stream: %s %s", row.system,
                        row.ok() ? "completed within " + ForkedStream.HEAP : row.failure));
            }
        }
    }

    private static String target(Report.Row row, double ratio, String baseline, double target) {
        return String.format(Locale.ROOT, "%s: %s at %.2fx of %s (target >= %.1fx): %s", row.workload, row.system,
                ratio, baseline, target, verdict(ratio >= target));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }
}
