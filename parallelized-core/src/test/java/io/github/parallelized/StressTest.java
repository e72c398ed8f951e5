package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * 200 runs at once with random successes, failures, sleeps and cancels: every input is accounted for exactly
 * once, and no thread of any run outlives it.
 */
class StressTest {

    @Test
    void twoHundredRunsAtOnceAccountForEveryInputExactlyOnce() throws Exception {
        ExecutorService consumers = Executors.newFixedThreadPool(50);
        try {
            List<Future<String>> verdicts = new ArrayList<>();
            for (int r = 0; r < 200; r++) {
                verdicts.add(consumers.submit(oneRun(r)));
            }
            for (Future<String> verdict : verdicts) {
                assertThat(verdict.get()).isEqualTo("ok");
            }
        } finally {
            consumers.shutdown();
        }
        Threads.awaitNoneNamed("stress-");
    }

    private static Callable<String> oneRun(int seed) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed);
            int size = 20 + random.nextInt(200);
            boolean cancelMidway = random.nextInt(4) == 0;
            boolean breakEarly = !cancelMidway && random.nextInt(8) == 0;
            int threads = 1 + random.nextInt(4);
            List<Integer> inputs = IntStream.range(0, size).boxed().toList();
            Map<Integer, Integer> seen = new HashMap<>();
            TaskFunction<Integer, Integer> task = i -> {
                int kind = Math.floorMod(i * 31 + seed, 10);
                if (kind == 0) {
                    throw new IOException("failed " + i);
                }
                if (kind == 1) {
                    Thread.sleep(1);
                }
                return i;
            };
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of(task, inputs).numThreads(threads)
                    .threadNamePrefix("stress-" + seed + "-").progress(ProgressReporter.none());
            if (random.nextBoolean()) {
                builder.ordered();
            }
            if (random.nextInt(3) == 0) {
                builder.retry(2, Duration.ZERO);
            }
            long failures = 0;
            long cancelled = 0;
            try (var par = builder.start()) {
                int consumed = 0;
                for (Outcome<Integer, Integer> o : par) {
                    seen.merge(o.input(), 1, Integer::sum);
                    if (o.isCancelled()) {
                        cancelled++;
                    } else if (!o.isSuccess()) {
                        failures++;
                        if (!(o.error() instanceof IOException)) {
                            return "unexpected error " + o.error();
                        }
                    } else if (!o.result().equals(o.input())) {
                        return "wrong result for " + o.input();
                    }
                    consumed++;
                    if (cancelMidway && consumed == size / 3) {
                        par.cancel();
                    }
                    if (breakEarly && consumed == size / 2) {
                        break;
                    }
                }
                Summary summary = par.summary();
                if (!breakEarly) {
                    if (seen.size() != size || seen.values().stream().anyMatch(n -> n != 1)) {
                        return "inputs not accounted exactly once: " + seen.size() + " of " + size;
                    }
                    if (summary.failed() != failures || summary.cancelled() != cancelled
                            || summary.total() != size) {
                        return "summary " + summary + " disagrees with " + failures + " failed, " + cancelled
                                + " cancelled of " + size;
                    }
                } else if (seen.values().stream().anyMatch(n -> n != 1)) {
                    return "an input came twice";
                }
            }
            return "ok";
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
