package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The edges of the engine that the third version mends (issue 17): each test failed on the version before it.
 */
class EngineEdgesTest extends AsyncTestSupport {

    EngineEdgesTest() {
        super(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {63, 64, 65, 100, 200})
    void anyNumberOfThreadsRunsOnASuppliedExecutor(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> i * 2, inputs(500))
                    .numThreads(threads).executor(pool));
            assertThat(outcomes).hasSize(500).allMatch(Outcome::isSuccess);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMinimalCompletionStageEndsEveryInput(boolean withTimeout) {
        // what CompletableFuture.minimalCompletionStage() returns: isDone() and toCompletableFuture() may throw
        AsyncTaskFunction<Integer, Integer> task = i -> later(() -> i + 1).minimalCompletionStage();
        Parallelized.Builder<Integer, Integer> builder = Parallelized.ofAsync(task, inputs(200)).numThreads(8);
        if (withTimeout) {
            builder.timeout(Duration.ofSeconds(30));
        }
        List<Outcome<Integer, Integer>> outcomes = runAll(builder);
        assertThat(outcomes).hasSize(200).allMatch(Outcome::isSuccess);
    }

    @Test
    void aMinimalStageThatTimesOutEndsAsTimedOut() {
        AsyncTaskFunction<Integer, Integer> task = i -> new CompletableFuture<Integer>().minimalCompletionStage();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(20)).numThreads(20)
                .timeout(Duration.ofMillis(50)));
        assertThat(outcomes).hasSize(20).allMatch(o -> o.error() instanceof TimeoutException);
    }

    @Test
    void aStageThatThrowsFromEveryMethodEndsItsInputAsFailed() {
        AsyncTaskFunction<Integer, Integer> task = i -> new ThrowingStage<>();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(50)).numThreads(4)
                .timeout(Duration.ofSeconds(30)));
        assertThat(outcomes).hasSize(50).allMatch(o -> o.error() instanceof UnsupportedOperationException);
    }

    @Test
    void stageWorkOnTheRunsOwnBoundedExecutorCompletes() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AsyncTaskFunction<Integer, Integer> task = i -> CompletableFuture.supplyAsync(() -> i * 3, pool);
            List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(1_000))
                    .numThreads(16).executor(pool));
            assertThat(outcomes).hasSize(1_000).allMatch(Outcome::isSuccess);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneRunsSlowCancelCallbacksDoNotDelayAnotherRunsTimeouts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // run A: every stage's cancel runs a dependent that blocks until the end of the test
        AsyncTaskFunction<Integer, Integer> slowToCancel = i -> {
            CompletableFuture<Integer> future = new CompletableFuture<>();
            future.whenComplete((v, e) -> {
                try {
                    release.await(Bounded.SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            return future;
        };
        try {
            // each of A's timeouts cancels its stage on an offload thread, which then blocks in the dependent
            Parallelized<Integer, Integer> a = Parallelized.ofAsync(slowToCancel, inputs(16)).numThreads(16)
                    .timeout(Duration.ofMillis(20)).progress(ProgressReporter.none()).start();
            try (a) {
                Thread.sleep(200);
                // run B: its timeouts must arrive on time although A's cancel dependents hold threads
                List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(
                        (Integer i) -> new CompletableFuture<Integer>(), inputs(8)).numThreads(8)
                        .timeout(Duration.ofMillis(100)));
                // B's timeouts came while A's cancel dependents still held their threads (released only below)
                assertThat(outcomes).hasSize(8).allMatch(o -> o.error() instanceof TimeoutException);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aDueRetryStartsAlthoughLoopsWaitForRoom() {
        // a window of 1 keeps the loops waiting for room; the failing input's retry must still start
        AtomicLong firstFailure = new AtomicLong();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync((Integer i) -> {
            if (i == 0 && firstFailure.compareAndSet(0, System.nanoTime())) {
                return CompletableFuture.failedFuture(new IllegalStateException("once"));
            }
            return later(() -> i);
        }, inputs(200)).numThreads(4).maxInFlight(4).retry(2, Duration.ofMillis(1)));
        assertThat(outcomes).hasSize(200).allMatch(Outcome::isSuccess);
    }

    @Test
    void aMillionVirtualThreadsStartOnlyAsInputsCome() {
        if (!VirtualThreads.available()) {
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, inputs(1)).virtualThreads())
                    .isInstanceOf(UnsupportedOperationException.class); // Java 17: said at once, not at start()
            return;
        }
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            threads.add(Thread.currentThread());
            Thread.sleep(5);
            return i;
        }, inputs(100)).virtualThreads().numThreads(Parallelized.MAX_VIRTUAL_THREADS));
        assertThat(outcomes).hasSize(100).allMatch(Outcome::isSuccess);
        assertThat(threads.size()).isBetween(1, 100 + Runtime.getRuntime().availableProcessors());
    }

    @Test
    void virtualThreadsRunEveryInputAtOnceUpToNumThreads() throws Exception {
        if (!VirtualThreads.available()) {
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, inputs(1)).virtualThreads())
                    .isInstanceOf(UnsupportedOperationException.class); // Java 17: said at once, not at start()
            return;
        }
        int n = 20_000;
        CountDownLatch allStarted = new CountDownLatch(n);
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> {
            allStarted.countDown();
            // every task waits until all have started: only n tasks at once can finish
            if (!allStarted.await(Bounded.SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("not all started at once");
            }
            return i;
        }, inputs(n)).virtualThreads().numThreads(n));
        assertThat(outcomes).hasSize(n).allMatch(Outcome::isSuccess);
    }

    @Test
    void aVirtualRunsDecoratorIsCalledOnTheStartingThread() {
        if (!VirtualThreads.available()) {
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, inputs(1)).virtualThreads())
                    .isInstanceOf(UnsupportedOperationException.class); // Java 17: said at once, not at start()
            return;
        }
        ThreadLocal<String> context = new ThreadLocal<>();
        context.set("caller");
        java.util.Set<Thread> decoratedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Parallelized.Builder<Integer, String> builder = Parallelized.of((Integer i) -> context.get(), inputs(200))
                .virtualThreads().numThreads(50).progress(ProgressReporter.none()).decorator(loop -> {
                    decoratedOn.add(Thread.currentThread());
                    String captured = context.get();
                    return () -> {
                        context.set(captured);
                        try {
                            loop.run();
                        } finally {
                            context.remove();
                        }
                    };
                });
        List<Outcome<Integer, String>> outcomes;
        try (Parallelized<Integer, String> run = builder.start()) {
            Thread current = Thread.currentThread();
            outcomes = assertTimeoutPreemptively(BOUND, () -> run.stream().toList());
            assertThat(current.isInterrupted()).isFalse();
        }
        assertThat(outcomes).hasSize(200).allMatch(o -> "caller".equals(o.result()));
        assertThat(decoratedOn).containsExactly(Thread.currentThread());
    }

    @org.junit.jupiter.api.RepeatedTest(60)
    void orderedKeepsSubmissionOrderThroughAChaoticStop(org.junit.jupiter.api.RepetitionInfo repetition)
            throws Exception {
        java.util.Random random = new java.util.Random(repetition.getCurrentRepetition());
        int n = 400;
        int cancelAt = random.nextInt(n / 2);
        boolean fromAnotherThread = random.nextBoolean();
        Parallelized.Builder<Integer, Integer> builder = Parallelized.of((Integer i) -> {
            int kind = Math.floorMod(i * 31 + repetition.getCurrentRepetition(), 7);
            if (kind == 0) {
                throw new IllegalStateException("fails " + i);
            }
            if (kind == 1) {
                Thread.sleep(1 + i % 3);
            }
            if (kind == 2) {
                Thread.sleep(30); // past the timeout below: retried, then timed out
            }
            return i;
        }, inputs(n)).ordered().numThreads(1 + random.nextInt(6)).maxInFlight(4 + random.nextInt(40))
                .retry(2, Duration.ofMillis(random.nextInt(2))).timeout(Duration.ofMillis(20))
                .progress(ProgressReporter.none());
        List<Integer> seen = new java.util.ArrayList<>();
        try (Parallelized<Integer, Integer> run = builder.start()) {
            assertTimeoutPreemptively(BOUND, () -> {
                for (Outcome<Integer, Integer> outcome : run) {
                    if (outcome.input() == null) {
                        throw new AssertionError("null input after " + seen + ": " + outcome, outcome.error());
                    }
                    seen.add(outcome.input());
                    if (seen.size() == cancelAt) {
                        if (fromAnotherThread) {
                            Thread canceller = new Thread(run::cancel);
                            canceller.start();
                            Bounded.join(canceller);
                        } else {
                            run.cancel();
                        }
                    }
                }
            });
            List<Integer> rest = new java.util.ArrayList<>();
            run.remaining().forEachRemaining(rest::add);
            assertThat(seen).isSorted();
            java.util.List<Integer> all = new java.util.ArrayList<>(seen);
            all.addAll(rest);
            assertThat(all).containsExactlyInAnyOrderElementsOf(inputs(n));
        }
    }

    /**
     * The thread of a timed-out attempt, abandoned and replaced, that comes back after a stop leaves the inputs parked
     * for a retry to the worker's live loop. It no longer counts as a loop of the run: when it drained them, the live
     * loop left with nothing to drain, and the consumer, seeing no loop left while the abandoned thread still held
     * them, failed the run with "no worker of the run is left, and 1 admitted input(s) never came out" (the flake of
     * {@link #orderedKeepsSubmissionOrderThroughAChaoticStop}, there with 2). Here each step waits for the one
     * before it, so the abandoned thread comes back after the stop and before the live loop leaves, every time.
     */
    @Test
    void anAbandonedThreadBackAfterAStopLeavesTheParkedInputsToItsLiveLoop() throws Exception {
        CountDownLatch lastStarted = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch abandonedDelivers = new CountDownLatch(1);
        CountDownLatch consumed = new CountDownLatch(1);
        AtomicReference<Thread> abandoned = new AtomicReference<>();
        ProgressReporter holdsTheAbandonedThread = new ProgressReporter() {
            @Override
            public void onOutcome(String run, Outcome<?, ?> outcome) {
                if (Thread.currentThread() == abandoned.get()) {
                    // it delivers what it drained: held until the consumer's loop is over, as a descheduled
                    // thread would be
                    abandonedDelivers.countDown();
                    NoHangTest.awaitUninterruptibly(consumed);
                }
            }
        };
        Parallelized.Builder<Integer, Integer> builder = Parallelized.of((Integer i) -> {
            if (i == 0) {
                throw new IllegalStateException("parked for its retry, 30 s away: drained by the stop");
            }
            if (i == 1) {
                abandoned.set(Thread.currentThread());
                NoHangTest.awaitUninterruptibly(stopped); // times out, is abandoned, and comes back after the stop
            }
            if (i == 2) {
                // on the replacement loop, the one live: it leaves only once the abandoned thread is gone, or
                // delivers what it drained
                lastStarted.countDown();
                untilGoneOrDelivering(abandoned.get(), abandonedDelivers);
            }
            return i;
        }, List.of(0, 1, 2)).numThreads(1).timeout(Duration.ofMillis(50))
                .retry(2, Duration.ofSeconds(30), e -> !(e instanceof TimeoutException))
                .progress(holdsTheAbandonedThread);
        List<Outcome<Integer, Integer>> seen = new java.util.ArrayList<>();
        try (Parallelized<Integer, Integer> run = builder.start()) {
            try {
                assertTimeoutPreemptively(BOUND, () -> {
                    for (Outcome<Integer, Integer> outcome : run) {
                        seen.add(outcome);
                        if (outcome.input() == 1) {
                            Bounded.await(lastStarted);
                            run.cancel();
                            stopped.countDown();
                        }
                    }
                });
            } finally {
                consumed.countDown();
                stopped.countDown();
            }
            assertThat(seen).extracting(Outcome::input).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(seen).filteredOn(o -> o.input() == 0).singleElement()
                    .satisfies(o -> assertThat(o.isCancelled()).isTrue());
            assertThat(seen).filteredOn(o -> o.input() == 1).singleElement()
                    .satisfies(o -> assertThat(o.error()).isInstanceOf(TimeoutException.class));
            assertThat(run.remaining()).isExhausted();
        }
    }

    /** Waits, deaf to interrupts, until {@code thread} ended or {@code delivering} is released; bounded. */
    private static void untilGoneOrDelivering(Thread thread, CountDownLatch delivering) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Bounded.SECONDS);
        boolean interrupted = false;
        while (thread.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(thread.getName() + " neither ended nor delivered within " + Bounded.SECONDS
                        + " s");
            }
            try {
                if (delivering.await(10, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // the stop's: this task ends when the abandoned thread has done its part
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A source that yields inputs quickly, then blocks in {@code hasNext()} (a queue, a cursor, a socket): the
     * inputs read before the block are run, and cancel() and close() return, while the read still blocks. Trivial
     * tasks first, in the same run, so that the claims have grown (as in a warm JVM).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void inputsReadBeforeASourceBlocksAreRunWhileItBlocks(int threads) throws Exception {
        for (int warm = 0; warm < 20; warm++) {
            runAll(Parallelized.of((Integer i) -> i, inputs(20_000)).numThreads(threads));
        }
        int quick = 5_003;
        CountDownLatch unblock = new CountDownLatch(1);
        java.util.Iterator<Integer> source = new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == quick) {
                    try {
                        unblock.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return false;
                }
                return true;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, source).numThreads(threads)
                .progress(ProgressReporter.none()).start();
        Thread consumer = new Thread(() -> run.forEach(o -> received.incrementAndGet()));
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(Bounded.SECONDS))
                    .untilAsserted(() -> assertThat(received.get()).as("outcomes while the source blocks")
                            .isEqualTo(quick));
            assertTimeoutPreemptively(BOUND, run::cancel, "cancel() while a read blocks");
            assertTimeoutPreemptively(BOUND, run::close, "close() while a read blocks");
        } finally {
            unblock.countDown();
            Bounded.join(consumer);
        }
    }

    /** A stage whose every method throws, as a broken library's might. */
    private static final class ThrowingStage<T> extends CompletableFuture<T> {
        @Override
        public CompletableFuture<T> whenComplete(java.util.function.BiConsumer<? super T, ? super Throwable> a) {
            throw new UnsupportedOperationException("whenComplete");
        }

        @Override
        public boolean isDone() {
            throw new UnsupportedOperationException("isDone");
        }

        @Override
        public CompletableFuture<T> toCompletableFuture() {
            throw new UnsupportedOperationException("toCompletableFuture");
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            throw new UnsupportedOperationException("cancel");
        }
    }
}
