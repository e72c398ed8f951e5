package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Every way the consumer, start(), cancel() or close() can wait has an exit (issue 8). */
class NoHangTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void cancelOnAnEndlessStreamEndsAtOnceAndHandsBackTheUnreadRest() {
        List<Long> outcomes = new ArrayList<>();
        long next;
        try (var par = Parallelized.of((Long i) -> i, Stream.iterate(0L, i -> i + 1)).numThreads(2).maxInFlight(8)
                .progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Long, Long>> it = par.iterator();
            while (outcomes.size() < 100) {
                outcomes.add(it.next().input());
            }
            par.cancel();
            assertTimeoutPreemptively(BOUND, () -> it.forEachRemaining(o -> outcomes.add(o.input())));
            next = par.remaining().next();
        }
        assertThat(outcomes.size()).as("at most the window after the cancel").isBetween(100, 108);
        assertThat(outcomes).as("outcomes plus the rest are exactly the inputs")
                .containsExactlyInAnyOrderElementsOf(LongStreamRange.of(0, next));
    }

    @Test
    void aListSourceIsNotReadToItsEndAfterACancel() {
        AtomicInteger read = new AtomicInteger();
        Iterable<Integer> counted = () -> IntStream.range(0, 10_000_000).peek(i -> read.incrementAndGet())
                .boxed().iterator();
        try (var par = Parallelized.of((Integer i) -> i, counted).numThreads(2).maxInFlight(16)
                .progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Integer, Integer>> it = par.iterator();
            it.next();
            par.cancel();
            assertTimeoutPreemptively(BOUND, () -> it.forEachRemaining(o -> { }));
        }
        assertThat(read.get()).isLessThan(1_000);
    }

    @Test
    void cancelAndCloseReturnWhileTheSourceBlocksInHasNext() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Iterator<Integer> stuck = new Iterator<>() {
            @Override
            public boolean hasNext() {
                reading.countDown();
                awaitUninterruptibly(release);
                return false;
            }

            @Override
            public Integer next() {
                throw new AssertionError();
            }
        };
        try {
            var par = Parallelized.of((Integer i) -> i, stuck).numThreads(1).threadNamePrefix("stuck-source-")
                    .progress(ProgressReporter.none()).start();
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            assertTimeoutPreemptively(BOUND, () -> {
                par.cancel();
                assertThat(par.iterator().hasNext()).isFalse();
                par.close();
            });
            assertThat(par.summary().state()).isEqualTo(RunState.CANCELLED);
        } finally {
            release.countDown();
        }
        Threads.awaitNoneNamed("stuck-source-");
    }

    @Test
    void aRetryPredicateThatThrowsAnErrorFailsItsInputOnly() {
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                if (i % 2 == 0) {
                    throw new IllegalStateException("even");
                }
                return i;
            }, HUNDRED).numThreads(2).retry(3, Duration.ZERO, error -> {
                throw new OutOfMemoryError("predicate");
            }).progress(ProgressReporter.none()).start()) {
                par.forEach(outcomes::add);
            }
        });
        assertThat(outcomes).hasSize(100);
        assertThat(outcomes.stream().filter(o -> !o.isSuccess())).hasSize(50)
                .allSatisfy(o -> assertThat(o.error()).isInstanceOf(ParallelizedException.class)
                        .hasMessageContaining("retryOn").hasCauseInstanceOf(OutOfMemoryError.class)
                        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                                .isInstanceOf(IllegalStateException.class)));
    }

    @Test
    void aDecoratorThatReturnsNullOrThrowsFailsStartAndLeavesNothingRunning() {
        CountingReporter reporter = new CountingReporter();
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, HUNDRED).decorator(r -> null)
                .listener(reporter).progress(ProgressReporter.none()).start())
                .isInstanceOf(ParallelizedException.class).hasMessageContaining("decorator returned null");
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, HUNDRED).decorator(r -> {
            throw new IllegalStateException("no context");
        }).listener(reporter).progress(ProgressReporter.none()).start()).isInstanceOf(IllegalStateException.class)
                .hasMessage("no context");
        assertThat(reporter.starts).as("a run that did not start was never shown").hasValue(0);
    }

    @Test
    void aDecoratedLoopThatDiesBeforeItBeginsEndsTheRunWithParallelizedException() {
        List<Integer> rest = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, HUNDRED).numThreads(2).decorator(loop -> () -> {
                throw new LinkageError("no class");
            }).progress(ProgressReporter.none()).start()) {
                assertThatThrownBy(() -> par.forEach(o -> { })).isInstanceOf(ParallelizedException.class)
                        .hasMessageContaining("no worker").hasMessageContaining("no class");
                par.remaining().forEachRemaining(rest::add);
            }
        });
        assertThat(rest).containsExactlyElementsOf(HUNDRED);
    }

    @Test
    void aBusyBoundedQueueIsWaitedForNotTreatedAsAFailure() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                try (var par = Parallelized.of((Integer i) -> i, HUNDRED).executor(pool).numThreads(4)
                        .progress(ProgressReporter.none()).start()) {
                    assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(100);
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorShutDownNowWithTheRunQueuedEndsTheRunWithParallelizedException() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        CountDownLatch busy = new CountDownLatch(1);
        pool.execute(() -> {
            busy.countDown();
            awaitInterruptibly();
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        var par = Parallelized.of((Integer i) -> i, HUNDRED).executor(pool).numThreads(1)
                .progress(ProgressReporter.none()).start();
        pool.shutdownNow();
        List<Integer> accounted = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (par) {
                assertThatThrownBy(() -> par.forEach(o -> accounted.add(o.input())))
                        .isInstanceOf(ParallelizedException.class).hasMessageContaining("terminated");
                par.remaining().forEachRemaining(accounted::add);
            }
        });
        assertThat(accounted).containsExactlyInAnyOrderElementsOf(HUNDRED);
    }

    @Test
    void executorsThatRunOnTheCallerOrDropWorkAreRefusedAtTheBuilder() {
        for (var policy : List.of(new ThreadPoolExecutor.CallerRunsPolicy(), new ThreadPoolExecutor.DiscardPolicy(),
                new ThreadPoolExecutor.DiscardOldestPolicy())) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                    policy);
            try {
                assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, HUNDRED).executor(pool))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(policy.getClass().getSimpleName());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void nestedRunsOnTheSameBoundedPoolComplete() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                try (var outer = Parallelized.of((Integer i) -> {
                    try (var inner = Parallelized.of((Integer j) -> i * 100 + j, List.of(0, 1, 2, 3)).executor(pool)
                            .numThreads(2).progress(ProgressReporter.none()).start()) {
                        return inner.stream().filter(Outcome::isSuccess).count();
                    }
                }, List.of(1, 2, 3, 4, 5, 6)).executor(pool).numThreads(2).progress(ProgressReporter.none())
                        .start()) {
                    assertThat(outer.stream().map(Outcome::result)).hasSize(6).containsOnly(4L);
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theConsumerParksWhileItWaitsForAStragglerAfterACancel() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> consumer = new java.util.concurrent.atomic.AtomicReference<>();
        Thread watcher = new Thread(() -> {
            try {
                // a spinning consumer is never parked; a parked one has the run's outcomes as its blocker
                await().atMost(BOUND).until(() -> consumer.get() != null
                        && LockSupport.getBlocker(consumer.get()) instanceof Outcomes);
            } finally {
                release.countDown();
            }
        });
        try (var par = Parallelized.of((Integer i) -> {
            started.countDown();
            awaitUninterruptibly(release);
            return i;
        }, List.of(1)).numThreads(1).progress(ProgressReporter.none()).start()) {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            par.cancel();
            watcher.start();
            assertTimeoutPreemptively(BOUND, () -> {
                consumer.set(Thread.currentThread());
                assertThat(par.stream().toList()).hasSize(1);
            });
            assertThat(release.getCount()).isZero();
        }
        watcher.join(10_000);
    }

    @Test
    void remainingIsRefusedWhileRunningAndAfterClose() {
        CountDownLatch release = new CountDownLatch(1);
        var par = Parallelized.of((Integer i) -> {
            release.await(10, TimeUnit.SECONDS);
            return i;
        }, HUNDRED).numThreads(1).progress(ProgressReporter.none()).start();
        try {
            assertThatThrownBy(par::remaining).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running");
        } finally {
            release.countDown();
            par.close();
        }
        assertThatThrownBy(par::remaining).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void durationsPastNanosecondsAreRefusedNamingTheOptionAndTheLimit() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, HUNDRED).timeout(huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be at most")
                .hasMessageContaining("292 years");
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, HUNDRED).retry(2, huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff must be at most");
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                if (latch.await(30, TimeUnit.SECONDS)) {
                    break;
                }
                throw new AssertionError("not released within 30 s");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitInterruptibly() {
        try {
            new CountDownLatch(1).await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The longs from..to-1, boxed. */
    static final class LongStreamRange {
        static List<Long> of(long from, long to) {
            return java.util.stream.LongStream.range(from, to).boxed().toList();
        }
    }

    /** Counts what a reporter saw. */
    static class CountingReporter implements ProgressReporter {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger outcomes = new AtomicInteger();
        final AtomicInteger finishes = new AtomicInteger();

        @Override
        public void onStart(Parallelized<?, ?> run) {
            starts.incrementAndGet();
        }

        @Override
        public void onOutcome(String run, Outcome<?, ?> outcome) {
            outcomes.incrementAndGet();
        }

        @Override
        public void onFinish(ProgressSnapshot snapshot, Summary summary) {
            finishes.incrementAndGet();
        }
    }
}
