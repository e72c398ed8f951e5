package io.github.parallelized;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What two workers pay to share one {@code TaskLimit.concurrency(1000)}, when they run at the same time: each takes
 * and gives back a permit around ~18 ns of work of its own, in bursts of 20,000 that both start at once. A burst is
 * timed from the common start to the later end, so a burst in which the two did not run together (a machine
 * shared with other work) is a slow one; the fastest bursts are the ones in which they contended. Compares the
 * work alone, a run's slot (as the engine takes it: per input a slot, a permit, its release, the close) and the
 * bare {@code tryAcquire}/{@code release}. Not a test; a plain loop, so read orders of magnitude. Run after
 * {@code ./mvnw -q -pl parallelized-core test-compile}:
 * <pre>
 * java -cp parallelized-core/target/classes:parallelized-core/target/test-classes io.github.parallelized.LimitContention
 * </pre>
 */
final class LimitContention {

    private static final int OPS = 20_000;
    static volatile long sink;

    private LimitContention() {
    }

    /** Work of its own, a chain of multiplications that the limit's calls can overlap with. */
    private static long work(long s) {
        long v = s;
        for (int k = 0; k < 20; k++) {
            v = v * 31 + k;
        }
        return v;
    }

    private static long workOnly(long s) {
        long v = s;
        for (int i = 0; i < OPS; i++) {
            v = work(v);
        }
        return v;
    }

    private static long slots(RunLimits<Integer> limits, Integer input, long s) {
        long v = s;
        for (int i = 0; i < OPS; i++) {
            RunLimits<Integer>.Slot slot = limits.slot(input);
            v += slot.acquire();
            v = work(v);
            slot.release();
            slot.close();
        }
        return v;
    }

    private static long permits(TaskLimit limit, long s) {
        long v = s;
        for (int i = 0; i < OPS; i++) {
            v += limit.tryAcquire(0);
            v = work(v);
            limit.release();
        }
        return v;
    }

    public static void main(String[] args) throws Exception {
        int bursts = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        for (String mode : new String[] {"work only", "slot lifecycle", "tryAcquire/release"}) {
            TaskLimit wide = TaskLimit.concurrency(1_000);
            LimitOptions options = new LimitOptions();
            options.limit = wide;
            RunLimits<Integer> limits = options.runLimits();
            AtomicInteger gate = new AtomicInteger();
            long[] starts = new long[bursts];
            long[][] ends = new long[2][bursts];
            Thread[] threads = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int me = t;
                threads[t] = new Thread(() -> {
                    long s = 0;
                    Integer input = 7;
                    for (int b = 0; b < bursts; b++) {
                        if (gate.incrementAndGet() == 2 * (b + 1)) {
                            starts[b] = System.nanoTime();
                        }
                        while (gate.get() < 2 * (b + 1)) {
                            Thread.onSpinWait();
                        }
                        s = switch (mode) {
                            case "slot lifecycle" -> slots(limits, input, s);
                            case "tryAcquire/release" -> permits(wide, s);
                            default -> workOnly(s);
                        };
                        ends[me][b] = System.nanoTime();
                    }
                    sink = s;
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double[] perOp = new double[bursts];
            for (int b = 0; b < bursts; b++) {
                perOp[b] = (Math.max(ends[0][b], ends[1][b]) - starts[b]) / (double) OPS;
            }
            Arrays.sort(perOp);
            System.out.printf(Locale.ROOT, "%-20s fastest burst %5.1f ns/op, 10th percentile %5.1f ns/op (in use after:"
                    + " %d)%n", mode, perOp[0], perOp[bursts / 10], wide.inUse());
        }
    }
}
