package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * 200 runs at once, each with random successes, failures and sleeps, and one fault of a kind that real code
 * meets: a cancel, a break, a cancel racing a close, a source that blocks, a retry predicate or a decorator
 * that throws, an executor shut down mid-run, nested runs on one bounded pool. Every input is accounted for
 * exactly once (outcomes plus {@link Parallelized#remaining()}), every run ends within its bound, and no thread
 * of any run outlives it.
 */
class StressTest {

    enum Fault {
        NONE, CANCEL, BREAK, CANCEL_RACING_CLOSE, BLOCKING_SOURCE, THROWING_PREDICATE, THROWING_DECORATOR,
        EXECUTOR_SHUT_DOWN, NESTED
    }

    @Test
    void twoHundredRunsAtOnceAccountForEveryInputExactlyOnce() throws Exception {
        ExecutorService consumers = Executors.newFixedThreadPool(50);
        try {
            List<Future<String>> verdicts = new ArrayList<>();
            for (int r = 0; r < 200; r++) {
                verdicts.add(consumers.submit(oneRun(r)));
            }
            for (int r = 0; r < verdicts.size(); r++) {
                assertThat(verdicts.get(r).get(60, TimeUnit.SECONDS)).as("run %d", r).isEqualTo("ok");
            }
        } finally {
            consumers.shutdownNow();
        }
        Threads.awaitNoneNamed("stress-");
    }

    private static Callable<String> oneRun(int seed) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed);
            Fault fault = Fault.values()[seed % Fault.values().length];
            int size = 20 + random.nextInt(200);
            int threads = 1 + random.nextInt(4);
            List<Integer> inputs = IntStream.range(0, size).boxed().toList();
            CountDownLatch sourceMayGoOn = new CountDownLatch(1);
            Iterator<Integer> source = fault == Fault.BLOCKING_SOURCE ? blockingAfter(inputs, size / 2, sourceMayGoOn)
                    : inputs.iterator();
            ExecutorService pool = fault == Fault.EXECUTOR_SHUT_DOWN || fault == Fault.NESTED
                    ? Executors.newFixedThreadPool(2, new DaemonThreads("stress-" + seed + "-pool-")) : null;
            TaskFunction<Integer, Integer> task = i -> {
                int kind = Math.floorMod(i * 31 + seed, 10);
                if (kind == 0) {
                    throw new IOException("failed " + i);
                }
                if (kind == 1) {
                    Thread.sleep(1);
                }
                if (fault == Fault.NESTED && i % 20 == 0) {
                    try (var inner = Parallelized.of((Integer x) -> x, List.of(1, 2, 3)).executor(pool)
                            .numThreads(2).progress(ProgressReporter.none()).start()) {
                        inner.forEach(o -> { });
                    }
                }
                return i;
            };
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of(task, source).numThreads(threads)
                    .threadNamePrefix("stress-" + seed + "-").progress(ProgressReporter.none());
            if (pool != null) {
                builder.executor(pool);
            }
            if (random.nextBoolean()) {
                builder.ordered();
            }
            if (fault == Fault.THROWING_PREDICATE) {
                builder.retry(2, Duration.ZERO, error -> {
                    throw new AssertionError("predicate broke");
                });
            } else if (random.nextInt(3) == 0) {
                builder.retry(2, Duration.ZERO);
            }
            if (fault == Fault.THROWING_DECORATOR) {
                builder.decorator(loop -> () -> {
                    throw new IllegalStateException("decorated loop broke");
                });
            }
            Map<Integer, Integer> seen = new HashMap<>();
            List<Integer> rest = new ArrayList<>();
            boolean runFailed = false;
            try (var par = builder.start()) {
                int consumed = 0;
                Thread racer = null;
                try {
                    for (Outcome<Integer, Integer> o : par) {
                        seen.merge(o.input(), 1, Integer::sum);
                        if (o.isSuccess() && !o.result().equals(o.input())) {
                            return "wrong result for " + o.input();
                        }
                        consumed++;
                        if (consumed == size / 3) {
                            if (fault == Fault.CANCEL) {
                                par.cancel();
                            } else if (fault == Fault.CANCEL_RACING_CLOSE) {
                                racer = new Thread(par::cancel);
                                racer.start();
                            } else if (fault == Fault.EXECUTOR_SHUT_DOWN) {
                                pool.shutdownNow();
                            }
                        }
                        if (fault == Fault.BREAK && consumed == size / 2) {
                            break;
                        }
                        if (fault == Fault.BLOCKING_SOURCE && consumed == size / 2) {
                            par.cancel(); // the only worker that reads now blocks in hasNext()
                        }
                    }
                } catch (ParallelizedException e) {
                    runFailed = true;
                }
                if (fault == Fault.CANCEL_RACING_CLOSE) {
                    Runnable close = par::close; // closes now, racing the cancel, and again (a no-op) at the end
                    close.run();
                    racer.join(10_000);
                    return seen.values().stream().allMatch(n -> n == 1) ? "ok" : "an input came twice";
                }
                if (fault != Fault.BREAK && fault != Fault.BLOCKING_SOURCE) {
                    par.remaining().forEachRemaining(rest::add);
                }
            } finally {
                sourceMayGoOn.countDown();
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
            if (fault == Fault.BREAK || fault == Fault.BLOCKING_SOURCE) {
                return seen.values().stream().allMatch(n -> n == 1) ? "ok" : "an input came twice";
            }
            if (fault == Fault.THROWING_DECORATOR && !runFailed) {
                return "a run without a worker ended normally";
            }
            for (Integer input : rest) {
                seen.merge(input, 1, Integer::sum);
            }
            if (seen.size() != size || seen.values().stream().anyMatch(n -> n != 1)) {
                return fault + ": inputs not accounted exactly once: " + seen.size() + " of " + size
                        + (runFailed ? " (the run failed)" : "");
            }
            return "ok";
        };
    }

    /** Yields the inputs, but blocks in hasNext() before the one at {@code blockAt}, ignoring interrupts. */
    private static Iterator<Integer> blockingAfter(List<Integer> inputs, int blockAt, CountDownLatch goOn) {
        Iterator<Integer> all = inputs.iterator();
        return new Iterator<>() {
            private int read;

            @Override
            public boolean hasNext() {
                if (read == blockAt) {
                    NoHangTest.awaitUninterruptibly(goOn);
                }
                return all.hasNext();
            }

            @Override
            public Integer next() {
                read++;
                return all.next();
            }
        };
    }

    @Test
    void theLiveThreadCountReturnsToItsBaseline() throws Exception {
        Threads.awaitNoneNamed("parallelized-");
        java.util.Set<Thread> baseline = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 20; i++) {
            try (var par = Parallelized.of((Integer x) -> x, IntStream.range(0, 100).boxed().toList())
                    .numThreads(4).progress(ProgressReporter.none()).start()) {
                par.forEach(o -> { });
            }
        }
        await().pollInSameThread().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(Thread::isAlive).filteredOn(t -> !baseline.contains(t)).isEmpty());
    }
}
