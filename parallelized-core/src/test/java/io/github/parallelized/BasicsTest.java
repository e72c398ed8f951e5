package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class BasicsTest {

    record Job(int id) {
    }

    @Test
    void everyInputBecomesOneOutcomeCarryingTheSameInputObject() {
        List<Job> jobs = IntStream.range(0, 500).mapToObj(Job::new).toList();
        Set<Job> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        try (Parallelized<Job, String> par = Parallelized.of((Job j) -> "done " + j.id(), jobs)
                .numThreads(4).progress(ProgressReporter.none()).start()) {
            for (Outcome<Job, String> o : par) {
                assertThat(o.error()).isNull();
                assertThat(o.isSuccess()).isTrue();
                assertThat(o.result()).isEqualTo("done " + o.input().id());
                assertThat(o.attempts()).isEqualTo(1);
                assertThat(seen.add(o.input())).as("outcome for %s seen once", o.input()).isTrue();
            }
        }
        assertThat(seen).hasSize(500);
        jobs.forEach(j -> assertThat(seen).contains(j));
    }

    @Test
    void numThreadsRunsExactlyThatManyTasksAtOnce() throws Exception {
        int threads = 3;
        CyclicBarrier allRunning = new CyclicBarrier(threads);
        Set<String> names = ConcurrentHashMap.newKeySet();
        try (var par = Parallelized.of((Integer i) -> {
            names.add(Thread.currentThread().getName());
            allRunning.await(20, TimeUnit.SECONDS); // would time out if fewer than 3 ran at once
            return i;
        }, IntStream.range(0, 30).boxed().toList()).numThreads(threads).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(30);
        }
        assertThat(names).hasSize(threads).allMatch(n -> n.startsWith("parallelized-"));
    }

    @Test
    void defaultThreadCountIsTheNumberOfProcessors() {
        int processors = Runtime.getRuntime().availableProcessors();
        CyclicBarrier allRunning = new CyclicBarrier(processors);
        Set<String> names = ConcurrentHashMap.newKeySet();
        try (var par = Parallelized.of((Integer i) -> {
            names.add(Thread.currentThread().getName());
            allRunning.await(20, TimeUnit.SECONDS);
            return i;
        }, IntStream.range(0, processors * 5).boxed().toList()).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(processors * 5L);
        }
        assertThat(names).hasSize(processors);
    }

    @Test
    void completionOrderByDefault() throws Exception {
        CountDownLatch othersConsumed = new CountDownLatch(3);
        List<Integer> order = new ArrayList<>();
        try (var par = Parallelized.of((Integer i) -> {
            if (i == 0) {
                Bounded.await(othersConsumed); // the first input finishes only after the others reached the consumer
            }
            return i;
        }, List.of(0, 1, 2, 3)).numThreads(4).progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> o : par) {
                order.add(o.input());
                if (o.input() != 0) {
                    othersConsumed.countDown();
                }
            }
        }
        assertThat(order).hasSize(4).endsWith(0);
    }

    @Test
    void orderedYieldsInSubmissionOrder() {
        List<Integer> inputs = IntStream.range(0, 200).boxed().toList();
        List<Integer> order = new ArrayList<>();
        try (var par = Parallelized.of((Integer i) -> {
            if (i % 7 == 0) {
                Thread.sleep(3); // early inputs that finish late
            }
            return i;
        }, inputs).numThreads(4).maxInFlight(8).ordered().progress(ProgressReporter.none()).start()) {
            par.forEach(o -> order.add(o.input()));
        }
        assertThat(order).isEqualTo(inputs);
    }

    @Test
    void streamGivesTheOutcomesAndClosingItClosesTheRun() {
        Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i + 1, List.of(1, 2, 3))
                .progress(ProgressReporter.none()).start();
        List<Integer> results;
        try (Stream<Outcome<Integer, Integer>> outcomes = run.stream()) {
            results = outcomes.map(Outcome::result).sorted().collect(Collectors.toList());
        }
        assertThat(results).containsExactly(2, 3, 4);
        assertThat(run.summary().state()).isEqualTo(RunState.COMPLETED);
        org.assertj.core.api.Assertions.assertThatThrownBy(run::iterator)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void threadsOfTheRunEndWithClose() {
        try (var par = Parallelized.of((Integer i) -> i, IntStream.range(0, 100).boxed().toList())
                .threadNamePrefix("basics-close-").numThreads(4).progress(ProgressReporter.none()).start()) {
            par.forEach(o -> { });
        }
        Threads.awaitNoneNamed("basics-close-");
    }

    @Test
    void emptySourceEndsAtOnce() {
        try (var par = Parallelized.of((Integer i) -> i, List.<Integer>of()).progress(ProgressReporter.none()).start()) {
            assertThat(par.iterator().hasNext()).isFalse();
            assertThat(par.progress().total()).isZero();
        }
    }

    @Test
    void nullResultsAreSuccesses() {
        try (var par = Parallelized.of((Integer i) -> null, List.of(1, 2)).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().toList()).hasSize(2).allMatch(o -> o.isSuccess() && o.result() == null);
        }
    }
}
