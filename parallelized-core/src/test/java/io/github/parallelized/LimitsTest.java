package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits and retry policies in the engine (issue 19): a task waiting for a limit holds no worker, limits shared by
 * runs hold across them, retries obey the limits and a {@link RetryAfter}, cancel ends every wait.
 */
class LimitsTest extends AsyncTestSupport {

    LimitsTest() {
        super(4);
    }

    /** After each run: no loop of it is left (a miscounted parked input once kept them waiting for ever). */
    @org.junit.jupiter.api.AfterEach
    void noLoopOfTheRunIsLeft(org.junit.jupiter.api.TestInfo info) {
        await().atMost(Duration.ofSeconds(10)).alias("loops left after " + info.getDisplayName())
                .until(() -> Threads.named("parallelized-").stream().noneMatch(t -> t.getName().matches("parallelized-\\d+-.*")));
    }

    /** A key of the example: 100 inputs of a hot key, then one input each of seven other keys. */
    private static List<String> hotKeyThenSeven() {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            inputs.add("hot-" + i);
        }
        for (int k = 0; k < 7; k++) {
            inputs.add("key" + k + "-0");
        }
        return inputs;
    }

    private static String keyOf(String input) {
        return input.substring(0, input.indexOf('-'));
    }

    /** A task that sleeps a little and keeps in {@code most} the most tasks that ran at once. */
    private static TaskFunction<Integer, Integer> countingAtOnce(AtomicInteger most, long sleepMillis) {
        AtomicInteger running = new AtomicInteger();
        return i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(sleepMillis);
                return i;
            } finally {
                running.decrementAndGet();
            }
        };
    }

    /**
     * The hot key's 100 inputs run one at a time; the other keys' seven inputs, behind them in the source, finish
     * before half of them: their inputs did not wait behind the hot key's for a worker (or a place in flight).
     */
    private static void assertOtherKeysFinishEarly(List<Outcome<String, String>> outcomes) {
        int hotBefore = 0;
        int othersSeen = 0;
        for (Outcome<String, String> outcome : outcomes) {
            if (outcome.input().startsWith("hot")) {
                hotBefore += othersSeen < 7 ? 1 : 0;
            } else {
                othersSeen++;
            }
        }
        assertThat(othersSeen).isEqualTo(7);
        assertThat(hotBefore).as("hot-key outcomes before the seventh other key's").isLessThan(50);
    }

    @Test
    void otherKeysRunWhileAHotKeyIsThrottled() {
        List<Outcome<String, String>> outcomes = runAll(Parallelized.of((String s) -> {
            Thread.sleep(s.startsWith("hot") ? 5 : 1);
            return s;
        }, hotKeyThenSeven()).numThreads(4).limitPerKey(LimitsTest::keyOf, TaskLimit.concurrency(1)));
        assertThat(outcomes).hasSize(107).allMatch(Outcome::isSuccess);
        assertOtherKeysFinishEarly(outcomes);
    }

    @RepeatedTest(5)
    void otherKeysRunWhileAHotKeyIsThrottledInAnAsynchronousRun() {
        // 4 tasks in flight: a parked hot-key input gives its place back, so the other keys do not wait behind it
        List<Outcome<String, String>> outcomes = runAll(Parallelized.ofAsync((String s) -> later(() -> {
            Thread.sleep(s.startsWith("hot") ? 5 : 1);
            return s;
        }), hotKeyThenSeven()).numThreads(4).limitPerKey(LimitsTest::keyOf, TaskLimit.concurrency(1)));
        assertThat(outcomes).hasSize(107).allMatch(Outcome::isSuccess);
        assertOtherKeysFinishEarly(outcomes);
    }

    @Test
    void aConcurrencyLimitSharedByTwoRunsHoldsAcrossThem() throws Exception {
        TaskLimit shared = TaskLimit.concurrency(3);
        AtomicInteger most = new AtomicInteger();
        TaskFunction<Integer, Integer> task = countingAtOnce(most, 2);
        Thread other = new Thread(() -> runAll(Parallelized.of(task, inputs(200)).numThreads(8).limit(shared)));
        other.start();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of(task, inputs(200)).numThreads(8)
                .limit(shared));
        Bounded.join(other);
        assertThat(outcomes).hasSize(200).allMatch(Outcome::isSuccess);
        assertThat(most.get()).isBetween(1, 3);
        assertThat(shared.inUse()).isZero();
    }

    /** How much later than its permit a task may record its start (see the rate tests). */
    private static final long RECORDING_SLACK_NANOS = Duration.ofMillis(100).toNanos();

    @Test
    void aRateSharedByTwoRunsHoldsInEveryWindow() throws Exception {
        TaskLimit shared = TaskLimit.rate(20, Duration.ofMillis(500));
        ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
        TaskFunction<Integer, Integer> task = i -> {
            starts.add(System.nanoTime());
            return i;
        };
        Thread other = new Thread(() -> runAll(Parallelized.of(task, inputs(30)).numThreads(4).limit(shared)));
        other.start();
        runAll(Parallelized.of(task, inputs(30)).numThreads(4).limit(shared));
        Bounded.join(other);
        List<Long> sorted = starts.stream().sorted().collect(Collectors.toList());
        assertThat(sorted).hasSize(60);
        // a task records its start a moment after its permit was granted, and a loaded machine may delay one task
        // more than another (a failure here was 1.7 ms short): the gaps are checked against the window less that slack
        long window = Duration.ofMillis(500).toNanos() - RECORDING_SLACK_NANOS;
        for (int i = 0; i + 20 < sorted.size(); i++) {
            assertThat(sorted.get(i + 20) - sorted.get(i)).as("21 starts never fit in one window")
                    .isGreaterThanOrEqualTo(window);
        }
    }

    @Test
    void aKeyThatCannotBeComputedFailsItsInputAndTheRunGoesOn() {
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> i, inputs(20))
                .numThreads(2).limitPerKey(i -> {
                    if (i == 3) {
                        throw new IllegalStateException("no key for 3");
                    }
                    return i == 5 ? null : i % 3;
                }, TaskLimit.concurrency(1)));
        assertThat(outcomes).hasSize(20);
        assertThat(outcomes).filteredOn(o -> !o.isSuccess()).extracting(Outcome::input)
                .containsExactlyInAnyOrder(3, 5);
        assertThat(outcomes).filteredOn(o -> !o.isSuccess()).allSatisfy(o -> {
            assertThat(o.error()).isInstanceOf(ParallelizedException.class);
            assertThat(o.error().getMessage()).containsIgnoringCase("key");
            assertThat(o.attempts()).isZero();
        });
    }

    /** A key whose hashCode() throws (as a key of one's own with a broken hashCode may), or whose equals() does. */
    private record LyingKey(int value, boolean equalsThrows) {
        @Override
        public int hashCode() {
            if (!equalsThrows) {
                throw new IllegalStateException("hashCode of " + value);
            }
            return 0; // every key collides: equals() is asked
        }

        @Override
        public boolean equals(Object other) {
            throw new IllegalStateException("equals of " + value);
        }
    }

    /**
     * A key whose hashCode() or equals() throws fails its input naming them, and the run ends; an asynchronous run's
     * consumer waited for ever (the throw killed the loop that was starting the input).
     */
    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void aKeyWhoseHashCodeOrEqualsThrowsFailsItsInputAndTheRunEnds(boolean async, boolean equalsThrows) {
        Parallelized.Builder<Integer, Integer> builder = async
                ? Parallelized.ofAsync((Integer i) -> CompletableFuture.completedFuture(i), inputs(30))
                : Parallelized.of((Integer i) -> i, inputs(30));
        List<Outcome<Integer, Integer>> outcomes = runAll(builder.numThreads(4)
                .limitPerKey(i -> new LyingKey(i, equalsThrows), TaskLimit.concurrency(1)));
        assertThat(outcomes).hasSize(30);
        // with a throwing equals() the first key goes into the map unasked; every later one collides with it
        assertThat(outcomes).filteredOn(o -> !o.isSuccess()).hasSize(equalsThrows ? 29 : 30).allSatisfy(o -> {
            assertThat(o.error()).isInstanceOf(ParallelizedException.class)
                    .hasMessageStartingWith("the limitPerKey key's hashCode() or equals() threw: "
                            + "IllegalStateException: " + (equalsThrows ? "equals of " : "hashCode of "));
            assertThat(o.attempts()).isZero();
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void cancelEndsEveryWaitAndNothingStartsAfterIt(boolean async) throws Exception {
        TaskLimit limit = TaskLimit.concurrency(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger startedAfterCancel = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Parallelized.Builder<Integer, Integer> builder;
        if (async) {
            builder = Parallelized.ofAsync((Integer i) -> {
                if (cancelled.get()) {
                    startedAfterCancel.incrementAndGet();
                }
                firstRunning.countDown();
                return later(() -> {
                    Bounded.await(release);
                    return i;
                });
            }, inputs(50)).numThreads(10);
        } else {
            builder = Parallelized.of((Integer i) -> {
                if (cancelled.get()) {
                    startedAfterCancel.incrementAndGet();
                }
                firstRunning.countDown();
                Bounded.await(release);
                return i;
            }, inputs(50)).numThreads(4);
        }
        try (Parallelized<Integer, Integer> run = builder.limit(limit).progress(ProgressReporter.none()).start()) {
            Bounded.await(firstRunning);
            await().atMost(BOUND).until(() -> limit.waiting() > 0);
            cancelled.set(true);
            run.cancel();
            release.countDown();
            List<Outcome<Integer, Integer>> outcomes = assertTimeoutPreemptively(BOUND,
                    () -> run.stream().collect(Collectors.toList()));
            List<Integer> rest = new ArrayList<>();
            run.remaining().forEachRemaining(rest::add);
            List<Integer> all = new ArrayList<>(rest);
            outcomes.forEach(o -> all.add(o.input()));
            assertThat(all).containsExactlyInAnyOrderElementsOf(inputs(50));
            assertThat(outcomes.stream().filter(o -> !o.isSuccess())).allMatch(Outcome::isCancelled);
            assertThat(outcomes.stream().filter(o -> o.isCancelled() && o.attempts() == 0)).isNotEmpty();
        } finally {
            release.countDown();
        }
        assertThat(startedAfterCancel.get()).isZero();
        assertThat(limit.inUse()).isZero();
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void retriesObeyTheLimitAndARetryAfterSetsTheirEarliestTime() {
        class TooManyRequests extends IOException implements RetryAfter {
            TooManyRequests() {
                super("429");
            }

            @Override
            public Duration retryAfter() {
                return Duration.ofMillis(50);
            }
        }
        ConcurrentLinkedQueue<long[]> attempts = new ConcurrentLinkedQueue<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                attempts.add(new long[] {i, System.nanoTime()});
                if (attempts.stream().filter(a -> a[0] == i).count() == 1) {
                    throw new TooManyRequests();
                }
                return i;
            } finally {
                concurrent.decrementAndGet();
            }
        }, inputs(10)).numThreads(4).limit(TaskLimit.concurrency(2))
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(1))));
        assertThat(outcomes).hasSize(10).allMatch(Outcome::isSuccess).allMatch(o -> o.attempts() == 2);
        assertThat(most.get()).isBetween(1, 2);
        for (int i = 0; i < 10; i++) {
            int input = i;
            List<Long> times = attempts.stream().filter(a -> a[0] == input).map(a -> a[1]).sorted()
                    .collect(Collectors.toList());
            assertThat(times.get(1) - times.get(0)).as("the retry waited at least what the 429 asked")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        }
    }

    @Test
    void aRetryBackoffHoldsNoWorker() {
        // one worker: while input 0 backs off for a long while, the others run on it
        AtomicInteger failures = new AtomicInteger();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (i == 0 && failures.getAndIncrement() == 0) {
                throw new IOException("once");
            }
            return i;
        }, inputs(50)).numThreads(1).retry(RetryPolicy.fixed(2, Duration.ofMillis(300))));
        assertThat(outcomes).hasSize(50).allMatch(Outcome::isSuccess);
        assertThat(outcomes.get(outcomes.size() - 1).input()).as("input 0 came last: it waited off the worker")
                .isZero();
    }

    @RepeatedTest(5)
    void anAsynchronousRunCountsItsTasksInFlightAgainstAConcurrencyLimit() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync((Integer i) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<Integer> stage = later(() -> {
                Thread.sleep(1);
                return i;
            });
            return stage.whenComplete((v, e) -> inFlight.decrementAndGet());
        }, inputs(300)).numThreads(64).limitPerKey(i -> i % 2, TaskLimit.concurrency(3)));
        assertThat(outcomes).hasSize(300).allMatch(Outcome::isSuccess);
        assertThat(most.get()).isBetween(1, 6);
    }

    /**
     * Fuzzing found it (stop 30): an asynchronous run whose concurrency limit is below its tasks in flight parks most
     * inputs for permits, without their places; its loops reserved the places for their next inputs and then waited
     * for room in the window, holding them. Ordered, the window filled with outcomes waiting for an earlier parked
     * input, and that one could never get a place back: the run waited for ever (inputs waiting 125, permits in
     * use 0). A loop that waits for room now gives its place back.
     */
    @Test
    void anOrderedAsynchronousRunWithALimitBelowItsTasksInFlightEnds() {
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync((Integer i) -> i % 3 == 0
                ? CompletableFuture.completedFuture(i) : later(() -> {
            Thread.sleep(i % 3);
            return i;
        }), inputs(200)).numThreads(2).limit(TaskLimit.concurrency(1)).ordered());
        assertThat(outcomes).extracting(Outcome::input).isEqualTo(inputs(200));
        assertThat(outcomes).allMatch(Outcome::isSuccess);
    }

    /**
     * The same wait in completion order: another run holds the shared limit's one permit while this run's window
     * fills with inputs parked for it; once the permit comes back, the parked inputs need the places that the loops
     * waiting for room held.
     */
    @Test
    void anAsynchronousRunWhoseWindowFilledWithInputsParkedForASharedLimitEnds() throws Exception {
        TaskLimit shared = TaskLimit.concurrency(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        try (Parallelized<Integer, Integer> holder = Parallelized.of((Integer i) -> {
            holding.countDown();
            Bounded.await(letGo);
            return i;
        }, List.of(0)).limit(shared).progress(ProgressReporter.none()).start()) {
            assertThat(holding.await(Bounded.SECONDS, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.Future<List<Outcome<Integer, Integer>>> run = completer.submit(() -> runAll(
                    Parallelized.ofAsync((Integer i) -> later(() -> i), inputs(100)).numThreads(2).maxInFlight(8)
                            .limit(shared)));
            await().atMost(Duration.ofSeconds(Bounded.SECONDS)).alias("the window full of parked inputs")
                    .until(() -> shared.waiting() >= 8);
            letGo.countDown();
            assertThat(run.get(Bounded.SECONDS * 2L, java.util.concurrent.TimeUnit.SECONDS))
                    .hasSize(100).allMatch(Outcome::isSuccess);
            assertThat(holder.stream().count()).isEqualTo(1);
        } finally {
            letGo.countDown();
        }
    }

    @Test
    void aLimitHoldsOnASuppliedExecutor() {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            AtomicInteger most = new AtomicInteger();
            List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of(countingAtOnce(most, 1), inputs(100))
                    .numThreads(8).executor(pool).limit(TaskLimit.concurrency(2)));
            assertThat(outcomes).hasSize(100).allMatch(Outcome::isSuccess);
            assertThat(most.get()).isBetween(1, 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void orderedRunsWithLimitsAndRetriesKeepSubmissionOrder() {
        java.util.Map<Integer, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            if (i % 7 == 0 && calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new IOException("retry me " + i);
            }
            return i;
        }, inputs(300)).ordered().numThreads(4).limitPerKey(i -> i % 3, TaskLimit.concurrency(1))
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(2))));
        assertThat(outcomes).extracting(Outcome::input).containsExactlyElementsOf(inputs(300));
        assertThat(outcomes).allMatch(Outcome::isSuccess);
    }

    @Test
    void aTimedOutAttemptGivesItsPermitBackAtItsDeadline() {
        TaskLimit one = TaskLimit.concurrency(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
                if (i == 0) {
                    release.await(Bounded.SECONDS, java.util.concurrent.TimeUnit.SECONDS); // ignores the deadline
                }
                return i;
            }, inputs(5)).numThreads(2).limit(one).timeout(Duration.ofMillis(50)));
            assertThat(outcomes).hasSize(5);
            assertThat(outcomes).filteredOn(o -> o.input() == 0).singleElement()
                    .matches(o -> o.error() instanceof java.util.concurrent.TimeoutException);
            assertThat(outcomes).filteredOn(o -> o.input() != 0).allMatch(Outcome::isSuccess);
        } finally {
            release.countDown();
        }
    }

    @Test
    void virtualThreadsObeyALimitToo() {
        if (!VirtualThreads.available()) {
            return; // Java 17: virtualThreads() refuses at once (EngineEdgesTest)
        }
        AtomicInteger most = new AtomicInteger();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of(countingAtOnce(most, 2), inputs(500))
                .virtualThreads().numThreads(500).limit(TaskLimit.concurrency(5)));
        assertThat(outcomes).hasSize(500).allMatch(Outcome::isSuccess);
        assertThat(most.get()).isBetween(1, 5);
    }

    @Test
    void anAsynchronousRunRetriesWhatARetryAfterAsksUnderARate() {
        class Busy extends IOException implements RetryAfter {
            Busy() {
                super("busy");
            }

            @Override
            public Duration retryAfter() {
                return Duration.ofMillis(20);
            }
        }
        java.util.Map<Integer, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync((Integer i) -> {
            int call = calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            return call == 1 ? CompletableFuture.failedFuture(new Busy()) : later(() -> i);
        }, inputs(40)).numThreads(16).limit(TaskLimit.rate(50, Duration.ofMillis(100)))
                .retry(RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(10))));
        assertThat(outcomes).hasSize(40).allMatch(Outcome::isSuccess).allMatch(o -> o.attempts() == 2);
    }

    /** Cancel racing close racing the parked inputs: every input accounted once, no hang, no permit left held. */
    @RepeatedTest(30)
    void cancelRacingCloseWithParkedInputsLosesNothing(org.junit.jupiter.api.RepetitionInfo repetition)
            throws Exception {
        java.util.Random random = new java.util.Random(repetition.getCurrentRepetition());
        boolean async = random.nextBoolean();
        TaskLimit limit = TaskLimit.concurrency(1 + random.nextInt(2)).and(TaskLimit.rate(400, Duration.ofMillis(100)));
        int n = 300;
        Parallelized.Builder<Integer, Integer> builder = async
                ? Parallelized.ofAsync((Integer i) -> later(() -> {
                    Thread.sleep(random.nextInt(2));
                    return i;
                }), inputs(n)).numThreads(16)
                : Parallelized.of((Integer i) -> {
                    Thread.sleep(i % 2);
                    return i;
                }, inputs(n)).numThreads(8);
        builder.limitPerKey(i -> i % 3, limit).retry(RetryPolicy.fixed(2, Duration.ofMillis(1)))
                .progress(ProgressReporter.none());
        Parallelized<Integer, Integer> run = builder.start();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        int stopAfter = random.nextInt(60);
        Thread consumer = new Thread(() -> {
            try {
                for (Outcome<Integer, Integer> outcome : run) {
                    seen.add(outcome.input());
                }
            } catch (RuntimeException ended) {
                // a close racing the loop may end it early: the summary counts what was not read
            }
        });
        consumer.start();
        await().atMost(BOUND).until(() -> seen.size() >= stopAfter || !consumer.isAlive());
        Thread canceller = new Thread(run::cancel);
        canceller.start();
        boolean closeRaces = random.nextBoolean();
        if (closeRaces) {
            assertTimeoutPreemptively(BOUND, run::close);
        }
        Bounded.join(canceller);
        Bounded.join(consumer);
        List<Integer> rest = new ArrayList<>();
        if (!closeRaces) {
            run.remaining().forEachRemaining(rest::add); // before close(), which closes the source
        }
        assertTimeoutPreemptively(BOUND, run::close);
        Summary summary = run.summary();
        long unread = summary.succeeded() + summary.failed() + summary.cancelled() - seen.size();
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(unread).isNotNegative();
        if (closeRaces) {
            assertThat(seen.size() + unread).as("no input counted twice").isLessThanOrEqualTo(n);
        } else {
            assertThat(seen.size() + unread + rest.size()).as("every input accounted once").isEqualTo(n);
        }
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(limit.inUse()).as("no permit left held").isZero();
        });
    }

    @Test
    void aSourceThatFailsWhileInputsAreParkedEndsTheRunAndAccountsForThem() {
        java.util.Iterator<Integer> failing = new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 50) {
                    throw new IllegalStateException("the source broke");
                }
                return next++;
            }
        };
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertTimeoutPreemptively(BOUND, () -> {
            try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
                Thread.sleep(1);
                return i;
            }, failing).numThreads(4).limitPerKey(i -> i % 2, TaskLimit.concurrency(1))
                    .progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : run) {
                    outcomes.add(outcome);
                }
            }
        })).isInstanceOf(ParallelizedException.class).hasMessageContaining("the source broke");
        assertThat(outcomes.stream().map(Outcome::input).distinct().count()).isEqualTo(outcomes.size());
        assertThat(outcomes.size()).isLessThanOrEqualTo(50);
    }
}
