package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ErrorsAndRetryTest {

    private static <I, R> List<Outcome<I, R>> runAll(Parallelized.Builder<I, R> builder) {
        try (Parallelized<I, R> par = builder.progress(ProgressReporter.none()).start()) {
            return par.stream().collect(Collectors.toList());
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void everyKindOfThrowableLandsUnchangedInItsOutcomeAndTheRunGoesOn() {
        IOException checked = new IOException("disk full");
        IllegalArgumentException runtime = new IllegalArgumentException("bad input");
        TaskFunction<String, String> task = kind -> {
            switch (kind) {
                case "checked": throw checked;
                case "runtime": throw runtime;
                case "overflow": return "depth " + recurse(0);
                default: return "ok " + kind;
            }
        };
        Map<String, Outcome<String, String>> byInput = runAll(
                Parallelized.of(task, List.of("checked", "runtime", "overflow", "a", "b")).numThreads(2))
                .stream().collect(Collectors.toMap(Outcome::input, o -> o));
        assertThat(byInput.get("checked").error()).isSameAs(checked);
        assertThat(byInput.get("runtime").error()).isSameAs(runtime);
        assertThat(byInput.get("overflow").error()).isInstanceOf(StackOverflowError.class);
        assertThat(byInput.get("a").result()).isEqualTo("ok a");
        assertThat(byInput.get("b").result()).isEqualTo("ok b");
    }

    @Test
    void describeFormatsLikeTheSeedsErrorStr() {
        IOException cause = new IOException("disk full");
        RuntimeException error = new RuntimeException("could not save", cause);
        assertThat(Errors.describe(cause, false)).isEqualTo("IOException: disk full");
        assertThat(Errors.describe(error, false))
                .isEqualTo("RuntimeException: could not save (caused by IOException: disk full)");
        assertThat(Errors.describe(new IllegalStateException(), false)).isEqualTo("IllegalStateException");
        assertThat(Errors.describe(error, true))
                .startsWith("java.lang.RuntimeException: could not save")
                .contains("at io.github.parallelized.ErrorsAndRetryTest")
                .contains("Caused by: java.io.IOException: disk full");
    }

    @Test
    void retryRunsAFailingTaskAgainUntilItSucceeds() {
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        TaskFunction<Integer, String> flaky = i -> {
            int call = calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            if (call < 3) {
                throw new IOException("attempt " + call + " of " + i + " failed");
            }
            return "ok " + i;
        };
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.of(flaky, List.of(1, 2, 3))
                .retry(3, Duration.ofMillis(1)));
        assertThat(outcomes).hasSize(3).allMatch(Outcome::isSuccess).allMatch(o -> o.attempts() == 3);
    }

    @Test
    void retryGivesUpAfterMaxAttemptsWithTheLastError() {
        AtomicInteger calls = new AtomicInteger();
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.<Integer, String>of((Integer i) -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        }, List.of(1)).retry(4, Duration.ZERO));
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.attempts()).isEqualTo(4);
            assertThat(o.error()).isInstanceOf(IOException.class).hasMessage("attempt 4");
        });
    }

    @Test
    void retryOnlyTheErrorsItIsToldTo() {
        AtomicInteger calls = new AtomicInteger();
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.<Integer, String>of((Integer i) -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("not worth retrying");
        }, List.of(1)).retry(5, Duration.ZERO, e -> e instanceof IOException));
        assertThat(outcomes.get(0).attempts()).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void timeoutInterruptsTheTaskAndFailsItWithATimeoutException() {
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (i == 1) {
                Thread.sleep(60_000);
            }
            return "fast " + i;
        }, List.of(1, 2, 3)).numThreads(3).timeout(Duration.ofMillis(100)));
        Map<Integer, Outcome<Integer, String>> byInput = outcomes.stream()
                .collect(Collectors.toMap(Outcome::input, o -> o));
        assertThat(byInput.get(1).error()).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("timed out after");
        assertThat(byInput.get(2).isSuccess()).isTrue();
        assertThat(byInput.get(3).isSuccess()).isTrue();
    }

    @Test
    void timeoutAppliesEvenWhenTheTaskIgnoresTheInterrupt() {
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.of((Integer i) -> {
            long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // ignores interrupts
            }
            return "finished late";
        }, List.of(1)).timeout(Duration.ofMillis(20)));
        assertThat(outcomes.get(0).error()).isInstanceOf(TimeoutException.class);
        assertThat(outcomes.get(0).result()).isNull();
    }

    @Test
    void timedOutTasksCanBeRetried() {
        AtomicInteger calls = new AtomicInteger();
        List<Outcome<Integer, String>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (calls.incrementAndGet() == 1) {
                Thread.sleep(60_000);
            }
            return "second try";
        }, List.of(1)).timeout(Duration.ofMillis(50)).retry(2, Duration.ZERO));
        assertThat(outcomes.get(0).result()).isEqualTo("second try");
        assertThat(outcomes.get(0).attempts()).isEqualTo(2);
    }

    @Test
    void failFastCancelsTheRestAfterTheFirstFailure() {
        List<Outcome<Integer, Integer>> outcomes;
        List<Integer> rest;
        Summary summary;
        try (var par = Parallelized.of((Integer i) -> {
            if (i == 5) {
                throw new IOException("boom");
            }
            return i;
        }, IntStream.range(0, 1000).boxed().toList()).numThreads(1).failFast()
                .progress(ProgressReporter.none()).start()) {
            outcomes = par.stream().toList();
            summary = par.summary();
            rest = Remaining.of(par);
        }
        assertThat(outcomes.stream().filter(o -> o.error() instanceof IOException)).hasSize(1);
        assertThat(outcomes.stream().filter(Outcome::isSuccess)).hasSize(5);
        assertThat(outcomes.stream().filter(o -> o.error() instanceof CancellationException)).isEmpty();
        assertThat(rest).as("the source is read no further; its rest is handed back")
                .containsExactlyElementsOf(IntStream.range(6, 1000).boxed().toList());
        assertThat(summary.state()).isEqualTo(RunState.FAILED);
    }

    @Test
    void stopAfterFailuresToleratesThatManyMinusOne() {
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (i % 2 == 0) {
                throw new IOException("even " + i);
            }
            return i;
        }, IntStream.range(0, 100).boxed().toList()).numThreads(1).stopAfterFailures(3));
        assertThat(outcomes.stream().filter(o -> o.error() instanceof IOException)).hasSize(3);
        assertThat(outcomes).extracting(Outcome::input).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void stopAboveFailureRateWaitsForEnoughTasks() {
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (i >= 10) {
                throw new IOException("failing from 10 on");
            }
            return i;
        }, IntStream.range(0, 100).boxed().toList()).numThreads(1).stopAboveFailureRate(0.5, 10));
        // 10 successes, then failures until more than half failed: the 11th failure tips it
        assertThat(outcomes.stream().filter(Outcome::isSuccess)).hasSize(10);
        assertThat(outcomes.stream().filter(o -> o.error() instanceof IOException)).hasSize(11);
        assertThat(outcomes).hasSize(21);
    }

    @Test
    void summaryCountsAndGroupsFailuresByType() {
        Summary summary;
        try (var par = Parallelized.of((Integer i) -> {
            if (i % 10 == 0) {
                throw new IOException("io");
            }
            if (i % 10 == 1) {
                throw new IllegalStateException("state");
            }
            if (i % 10 == 2) {
                throw new IllegalStateException("state");
            }
            return i;
        }, IntStream.range(0, 100).boxed().toList()).desc("Summarised").progress(ProgressReporter.none()).start()) {
            par.forEach(o -> { });
            summary = par.summary();
        }
        assertThat(summary.succeeded()).isEqualTo(70);
        assertThat(summary.failed()).isEqualTo(30);
        assertThat(summary.failuresByType()).containsExactly(
                Map.entry(IllegalStateException.class.getName(), 20L), Map.entry(IOException.class.getName(), 10L));
        assertThat(summary.p50()).isLessThanOrEqualTo(summary.p95());
        assertThat(summary.p95()).isLessThanOrEqualTo(summary.max());
        assertThat(summary.toString()).startsWith("Summarised: 70 succeeded, 30 failed (20 IllegalStateException, "
                + "10 IOException), 0 cancelled in ");
    }

    /** A task function that sent input {@code i} elsewhere {@code i % 3} times before it answered. */
    private static final TaskFunction<Integer, Integer> RESUBMITTING = i -> {
        for (int k = 0; k < i % 3; k++) {
            Parallelized.countResubmission();
        }
        return i;
    };

    @Test
    void resubmissionsCountedByTheTaskShowInItsAttemptsAndTheSummary() {
        Summary summary;
        List<Outcome<Integer, Integer>> outcomes;
        try (var par = Parallelized.of(RESUBMITTING, IntStream.range(0, 30).boxed().toList()).numThreads(4)
                .desc("Resent").progress(ProgressReporter.none()).start()) {
            outcomes = par.stream().toList();
            summary = par.summary();
        }
        assertThat(outcomes).hasSize(30).allMatch(o -> o.attempts() == 1 + o.input() % 3);
        assertThat(summary.resubmitted()).isEqualTo(30);
        assertThat(summary.toString()).startsWith("Resent: 30 succeeded, 0 failed, 0 cancelled, 30 resubmitted in ");
    }

    @Test
    void resubmissionsAreCountedOnASuppliedExecutorAndNotAgainstTheRetryLimit() throws Exception {
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        TaskFunction<Integer, Integer> resentThenFlaky = i -> {
            Parallelized.countResubmission();
            if (calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet() < 2) {
                throw new IOException("first attempt of " + i);
            }
            return i;
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (var par = Parallelized.of(resentThenFlaky, List.of(1, 2, 3, 4)).executor(pool).numThreads(2)
                .retry(2, Duration.ZERO).progress(ProgressReporter.none()).start()) {
            // two attempts, each resubmitted once: the retry limit of 2 still allowed the second attempt
            assertThat(par.stream().toList()).hasSize(4).allMatch(Outcome::isSuccess).allMatch(o -> o.attempts() == 4);
            assertThat(par.summary().resubmitted()).isEqualTo(8);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aResubmissionCountedOutsideATaskDoesNothing() {
        Parallelized.countResubmission(); // the test's thread runs no task: nothing to count, nothing thrown
        Summary summary;
        try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2)).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().toList()).allMatch(o -> o.attempts() == 1);
            summary = par.summary();
        }
        assertThat(summary.resubmitted()).isZero();
        assertThat(summary.toString()).doesNotContain("resubmitted");
        assertThat(new Summary("old", RunState.COMPLETED, 1, 0, 0, Map.of(), Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO).resubmitted()).isZero();
    }
}
