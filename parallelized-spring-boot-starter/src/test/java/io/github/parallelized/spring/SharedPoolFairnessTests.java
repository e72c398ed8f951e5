package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.RunState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two runs on the shared pool take turns. The first run is endless: it stops only once the second has
 * finished. If the first kept the pool's threads to itself, the second would never finish and the test would
 * time out; so the second finishes while the first still runs, and both have made progress by then.
 */
class SharedPoolFairnessTests {

    @Test
    void twoRunsSharingThePoolBothProgress() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class))
                .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none")
                .run(context -> {
                    ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
                    AtomicBoolean secondDone = new AtomicBoolean();
                    AtomicLong firstCompleted = new AtomicLong();
                    Set<String> threads = ConcurrentHashMap.newKeySet();
                    Iterator<Integer> endless = new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return !secondDone.get();
                        }

                        @Override
                        public Integer next() {
                            return next++;
                        }
                    };
                    Parallelized<Integer, Integer> first = factory.<Integer, Integer>of(i -> {
                        threads.add(Thread.currentThread().getName());
                        firstCompleted.incrementAndGet();
                        return work(i);
                    }, endless).desc("first").start();
                    CompletableFuture<List<Outcome<Integer, Integer>>> firstOutcomes = Gate.consume(first);

                    Parallelized<Integer, Integer> second = factory.<Integer, Integer>of(i -> {
                        threads.add(Thread.currentThread().getName());
                        return work(i);
                    }, IntStream.range(0, 200).boxed().toList()).desc("second").start();
                    List<Outcome<Integer, Integer>> secondOutcomes = Gate.drain(second);
                    long firstAtSecondsEnd = firstCompleted.get();
                    RunState firstStateAtSecondsEnd = first.progress().snapshot().state();
                    secondDone.set(true);

                    assertThat(secondOutcomes).hasSize(200).allMatch(Outcome::isSuccess);
                    assertThat(firstStateAtSecondsEnd).isEqualTo(RunState.RUNNING);
                    assertThat(firstAtSecondsEnd).isPositive();
                    assertThat(firstOutcomes.get(30, TimeUnit.SECONDS)).isNotEmpty().allMatch(Outcome::isSuccess);
                    assertThat(first.summary().state()).isEqualTo(RunState.COMPLETED);
                    assertThat(threads).allMatch(name -> name.startsWith("parallelized-shared-")).hasSizeLessThanOrEqualTo(2);
                });
    }

    /** About 50 µs of computation, so that a slice of the pool covers many tasks. */
    private static int work(int seed) {
        int x = seed;
        long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(50);
        while (System.nanoTime() < end) {
            x = x * 31 + 7;
        }
        return x;
    }
}
