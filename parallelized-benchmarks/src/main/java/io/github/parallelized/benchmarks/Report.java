package io.github.parallelized.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The table model of a compare run: one row per workload and system, each with its measured rounds; ratios are
 * the medians of per-round ratios, so that a slow phase of the machine, which hits every system of a round, cancels
 * out.
 */
final class Report {

    /** The baselines every row is compared with, each a column of the table. */
    static final List<String> BASELINES = List.of(BenchSystem.BASELINE, "ecs-submit-all", "cf-submit-all");

    /** One measured run. */
    record Sample(long nanos, long peakBytes) {
    }

    /** One line of the table: a workload on a system. */
    static final class Row {
        final String workload;
        final String system;
        final int tasks;
        final String threads;
        /** One per measured round in which the system ran. */
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

        /** The measured rounds' times in milliseconds, in the order they ran: which rounds make the spread. */
        String roundMillis() {
            return samples.stream().map(s -> String.format(Locale.ROOT, "%.0f", s.nanos() / 1e6))
                    .collect(Collectors.joining(", "));
        }

        /** The slowest measured round's time over the fastest's: how much luck is in the median. */
        double spread() {
            long min = samples.stream().mapToLong(Sample::nanos).min().orElse(0);
            long max = samples.stream().mapToLong(Sample::nanos).max().orElse(0);
            return min == 0 ? Double.NaN : (double) max / min;
        }
    }

    final Map<String, Row> rows = new LinkedHashMap<>();
    final List<String> checks = new ArrayList<>();
    String header = "";

    Row add(Row row) {
        rows.put(row.workload + "/" + row.system, row);
        return row;
    }

    Row row(String workload, String system) {
        return rows.get(workload + "/" + system);
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
        StringBuilder t = new StringBuilder("| workload | tasks | threads | system | tasks/s |");
        BASELINES.forEach(baseline -> t.append(" vs ").append(baseline).append(" |"));
        t.append(" spread | wall ms | peak heap MB |\n|---|---:|---:|---|---:|");
        BASELINES.forEach(baseline -> t.append("---:|"));
        t.append("---:|---:|---:|\n");
        for (Row row : rows.values()) {
            t.append("| ").append(row.workload).append(" | ").append(row.tasks).append(" | ").append(row.threads)
                    .append(" | ").append(row.system).append(" | ");
            if (!row.ok()) {
                t.append(row.failure == null ? "not run" : row.failure).append(" |")
                        .append(" |".repeat(BASELINES.size() + 3)).append('\n');
                continue;
            }
            t.append(String.format(Locale.ROOT, "%,.0f |", row.tasksPerSecond()));
            for (String baseline : BASELINES) {
                double ratio = ratio(row, baseline);
                t.append(Double.isNaN(ratio) ? " |" : String.format(Locale.ROOT, " %.2fx |", ratio));
            }
            t.append(String.format(Locale.ROOT, " %.2f | %.3f | %.0f |%n", row.spread(), row.medianNanos() / 1e6,
                    row.medianPeakBytes() / (1024.0 * 1024.0)));
        }
        return t.toString();
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
