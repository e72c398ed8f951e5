package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

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
                assertThat(outcomes).hasSize(8).allMatch(o -> o.error() instanceof TimeoutException);
                assertThat(outcomes).allMatch(o -> o.duration().compareTo(Duration.ofSeconds(2)) < 0,
                        "timed out near its deadline, not behind the other run's callbacks");
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
