package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Measures what the limits cost per call, and what a key costs in memory: a plain loop, not JMH (the SPI is
 * package-private, out of the benchmarks module's reach), so read the figures as orders of magnitude. Not a test.
 * Run after {@code ./mvnw -q -pl parallelized-core test-compile}:
 * <pre>
 * java -cp parallelized-core/target/classes:parallelized-core/target/test-classes io.github.parallelized.LimitCost
 * java -Xmx64m -cp parallelized-core/target/classes:parallelized-core/target/test-classes \
 *      io.github.parallelized.LimitCost keys 1000000
 * </pre>
 */
final class LimitCost {
    static volatile long sink;

    interface Op { void run(long i); }

    static double nsPerOp(String name, long n, Op op) {
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) {
                op.run(i);
            }
            long t = System.nanoTime() - t0;
            if (round == 4) {
                double ns = (double) t / n;
                System.out.printf("%-55s %8.1f ns/op%n", name, ns);
                return ns;
            }
        }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("keys")) {
            manyKeys(Integer.parseInt(args[1]));
            return;
        }
        long n = 20_000_000;
        TaskLimit conc = TaskLimit.concurrency(1_000);
        nsPerOp("concurrency(1000): tryAcquire + release", n, i -> { sink += conc.tryAcquire(i); conc.release(); });
        TaskLimit rate = TaskLimit.rate(1_000, Duration.ofMillis(1));
        nsPerOp("rate(1000 per 1 ms): tryAcquire (now += 1 us, all pass)", n, i -> sink += rate.tryAcquire(i * 1_000));
        TaskLimit refused = TaskLimit.rate(1, Duration.ofDays(1));
        refused.tryAcquire(0);
        nsPerOp("rate: tryAcquire refused", n, i -> sink += refused.tryAcquire(i));
        TaskLimit both = TaskLimit.concurrency(1_000).and(TaskLimit.rate(1_000, Duration.ofMillis(1)));
        nsPerOp("concurrency.and(rate): tryAcquire + release", n, i -> { sink += both.tryAcquire(i * 1_000); both.release(); });
        TaskLimit full = TaskLimit.concurrency(1);
        full.tryAcquire(0);
        nsPerOp("concurrency full: tryAcquire refused", n, i -> sink += full.tryAcquire(i));
        nsPerOp("System.nanoTime() (for scale)", n, i -> sink += System.nanoTime());

        // a run's slot per input: limit + per-key copy, 100,000 distinct keys cycling
        TaskLimit shared = TaskLimit.concurrency(10_000);
        RunLimits<Long> limits = RunLimits.of(shared, (Function<Long, Object>) i -> i % 100_000, TaskLimit.concurrency(2));
        nsPerOp("RunLimits slot (pin + and) + tryAcquire + release + close", 5_000_000, i -> {
            RunLimits<Long>.Slot slot = limits.slot(i);
            sink += slot.tryAcquire(i);
            slot.release();
            slot.close();
        });

        // contended: 2 threads on one concurrency limit and on one rate
        for (TaskLimit l : new TaskLimit[] {TaskLimit.concurrency(1_000), TaskLimit.rate(1_000_000, Duration.ofNanos(1))}) {
            int threads = 2;
            long per = 10_000_000;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            AtomicLong clock = new AtomicLong();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try { go.await(); } catch (InterruptedException e) { return; }
                    for (long i = 0; i < per; i++) {
                        sink += l.tryAcquire(i);
                        l.release();
                    }
                });
                th.start();
                ts.add(th);
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread th : ts) th.join();
            long t = System.nanoTime() - t0;
            System.out.printf("%-55s %8.1f ns/op per thread%n", "2 threads, " + l, (double) t / per);
        }

        // memory: 100,000 keys held at once
        System.gc();
        Thread.sleep(200);
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        KeyedLimits<Integer> keyed = new KeyedLimits<>(i -> i, TaskLimit.concurrency(2).and(TaskLimit.rate(5, Duration.ofSeconds(1))));
        List<KeyedLimits.Entry> held = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            KeyedLimits.Entry e = keyed.pin(i);
            e.limit().tryAcquire(System.nanoTime());
            held.add(e);
        }
        System.gc();
        Thread.sleep(200);
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf("100,000 keys held at once (concurrency 2 and rate 5/s each): %.1f MB, %d bytes/key%n",
                (after - before) / 1e6, (after - before) / 100_000);
        sink += held.size();
    }

    /** {@code n} distinct keys through limitPerKey's copies, one input each: for a run in -Xmx64m. */
    static void manyKeys(int n) {
        RunLimits<Integer> limits = RunLimits.of(null, (Function<Integer, Object>) i -> "key-" + i,
                TaskLimit.concurrency(2).and(TaskLimit.rate(10, Duration.ofMillis(1))));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            RunLimits<Integer>.Slot slot = limits.slot(i);
            if (slot.tryAcquire(System.nanoTime()) != 0) throw new AssertionError();
            slot.release();
            slot.close();
        }
        long t = System.nanoTime() - t0;
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%d distinct keys: %.0f ns/input, heap used at the end %.1f MB of max %.0f MB%n", n,
                (double) t / n, (rt.totalMemory() - rt.freeMemory()) / 1e6, rt.maxMemory() / 1e6);
    }
}
