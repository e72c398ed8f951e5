package io.github.parallelized.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The one round loop of {@code compare}: warm-up rounds first (not counted), then the measured rounds; within a
 * round every system runs once, in an order rotated each round, so that a slow phase of the (shared, noisy)
 * machine hits all systems alike. A system that fails or gives a wrong count is not run again for that workload.
 */
final class Rounds {

    /** Measures one system once. */
    @FunctionalInterface
    interface Measurement {
        Report.Sample measure(BenchSystem system) throws Exception;
    }

    /** A run that did not give every input's result: a bug, not a slow result. */
    static final class WrongCount extends Exception {
        private static final long serialVersionUID = 1L;

        WrongCount(long count, long tasks) {
            super("WRONG COUNT: " + count + " of " + tasks);
        }
    }

    private final List<BenchSystem> systems;
    private final int rounds;
    private final PrintStream out;

    Rounds(List<BenchSystem> systems, int rounds, PrintStream out) {
        this.systems = systems;
        this.rounds = rounds;
        this.out = out;
    }

    static void checkCount(long count, long tasks) throws WrongCount {
        if (count != tasks) {
            throw new WrongCount(count, tasks);
        }
    }

    /** A single in-JVM run of the workload, with its peak heap. */
    static Measurement once(Workload workload) {
        return system -> {
            Heap.reset();
            long t0 = System.nanoTime();
            long count = system.run(workload);
            long nanos = System.nanoTime() - t0;
            long peak = Heap.peak();
            checkCount(count, workload.tasks());
            return new Report.Sample(nanos, peak);
        };
    }

    /** {@code repetitions} runs of the workload back to back; the sample is their median. */
    static Measurement medianOf(int repetitions, Workload workload) {
        return system -> {
            Heap.reset();
            double[] nanos = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long t0 = System.nanoTime();
                long count = system.run(workload);
                nanos[i] = System.nanoTime() - t0;
                checkCount(count, workload.tasks());
            }
            return new Report.Sample((long) Report.median(nanos), Heap.peak());
        };
    }

    /** Adds a row per system for the workload to the report and fills it, round by round. */
    void run(Report report, Workload workload, String label, int warmups, Measurement measurement) {
        String threads = workload.virtual() ? workload.threads() + " virtual" : Integer.toString(workload.threads());
        for (BenchSystem system : systems) {
            Report.Row row = report.add(new Report.Row(label, system.name(), workload.tasks(), threads));
            if (!system.supports(workload)) {
                row.failure = "n/a";
            }
        }
        for (int round = -warmups; round < rounds; round++) {
            for (BenchSystem system : rotated(round)) {
                Report.Row row = report.row(label, system.name());
                if (row.failure != null) {
                    continue;
                }
                try {
                    Report.Sample sample = measurement.measure(system);
                    if (round >= 0) {
                        row.samples.add(sample);
                    }
                } catch (WrongCount e) {
                    row.failure = e.getMessage();
                } catch (Throwable e) {
                    row.failure = "failed: " + e;
                }
            }
            if (round < 0) {
                out.printf(Locale.ROOT, "%s: warm-up round %d of %d done%n", label, round + warmups + 1, warmups);
            } else {
                out.printf(Locale.ROOT, "%s: round %d of %d done%n", label, round + 1, rounds);
            }
        }
    }

    private List<BenchSystem> rotated(int round) {
        List<BenchSystem> order = new ArrayList<>(systems);
        Collections.rotate(order, -Math.floorMod(round, order.size()));
        return order;
    }
}
