package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Timeouts at the deadline, apart from display refreshes; reporters isolated and finished exactly once (issue 8). */
class DeadlinesAndReportersTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final List<Integer> TEN = IntStream.range(0, 10).boxed().toList();

    @Test
    void aTimeoutOutcomeComesAtTheDeadlineEvenIfTheTaskIgnoresItsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try {
            try (var par = Parallelized.of((Integer i) -> {
                if (i == 0) {
                    NoHangTest.awaitUninterruptibly(release); // ignores the interrupt until the test lets it go
                }
                return i;
            }, TEN).numThreads(1).timeout(Duration.ofMillis(100)).threadNamePrefix("deadline-")
                    .progress(ProgressReporter.none()).start()) {
                List<Outcome<Integer, Integer>> outcomes = assertTimeoutPreemptively(BOUND, () -> par.stream().toList());
                assertThat(release.getCount()).as("every outcome came while the straggler still ran").isOne();
                assertThat(outcomes).hasSize(10);
                assertThat(outcomes.stream().filter(o -> o.error() instanceof TimeoutException)).singleElement()
                        .satisfies(o -> assertThat(o.input()).isZero());
                assertThat(outcomes.stream().filter(Outcome::isSuccess)).hasSize(9);
            }
        } finally {
            release.countDown();
        }
        Threads.awaitNoneNamed("deadline-");
    }

    @Test
    void aTimeoutNeverWaitsBehindASlowRefresh() {
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProgressReporter slow = new ProgressReporter() {
            @Override
            public void onRefresh(ProgressSnapshot snapshot) {
                refreshing.countDown();
                NoHangTest.awaitUninterruptibly(release);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofMillis(1);
            }
        };
        try {
            try (var par = Parallelized.of((Integer i) -> {
                refreshing.await(10, TimeUnit.SECONDS);
                Thread.sleep(60_000); // ends only by the timeout's interrupt
                return i;
            }, List.of(1)).timeout(Duration.ofMillis(50)).progress(slow).start()) {
                List<Outcome<Integer, Integer>> outcomes = assertTimeoutPreemptively(BOUND, () -> par.stream().toList());
                assertThat(outcomes).singleElement().satisfies(o ->
                        assertThat(o.error()).isInstanceOf(TimeoutException.class));
                assertThat(release.getCount()).as("the refresh was still blocked").isOne();
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aReporterThatThrowsInRefreshIntervalIsDroppedAndTheRunGoesOn() {
        NoHangTest.CountingReporter broken = new NoHangTest.CountingReporter() {
            @Override
            public Duration refreshInterval() {
                throw new IllegalStateException("no interval");
            }
        };
        NoHangTest.CountingReporter healthy = new NoHangTest.CountingReporter();
        try (var par = Parallelized.of((Integer i) -> i, TEN).progress(broken).listener(healthy).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(10);
        }
        assertThat(broken.starts).hasValue(1);
        assertThat(broken.outcomes).as("dropped for the rest of the run").hasValue(0);
        assertThat(broken.finishes).hasValue(0);
        assertThat(healthy.outcomes).hasValue(10);
        assertThat(healthy.finishes).hasValue(1);
    }

    @Test
    void aFailedStartFinishesItsReportersOnceAndThrows() {
        NoHangTest.CountingReporter reporter = new NoHangTest.CountingReporter();
        // looks healthy to the builder, then is shut down when the run submits its loops
        java.util.concurrent.ExecutorService closing = new java.util.concurrent.AbstractExecutorService() {
            private volatile boolean down;

            @Override
            public void execute(Runnable command) {
                down = true;
                throw new java.util.concurrent.RejectedExecutionException("shutting down");
            }

            @Override
            public boolean isShutdown() {
                return down;
            }

            @Override
            public boolean isTerminated() {
                return down;
            }

            @Override
            public void shutdown() {
                down = true;
            }

            @Override
            public List<Runnable> shutdownNow() {
                down = true;
                return List.of();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) {
                return down;
            }
        };
        assertTimeoutPreemptively(BOUND, () -> org.assertj.core.api.Assertions.assertThatThrownBy(
                Parallelized.of((Integer i) -> i, TEN).executor(closing).progress(reporter)::start)
                .isInstanceOf(ParallelizedException.class).hasMessageContaining("shut down"));
        assertThat(reporter.starts).hasValue(1);
        assertThat(reporter.finishes).as("all or nothing: what was started is finished").hasValue(1);
    }

    @RepeatedTest(20)
    void twoConcurrentClosesFinishTheReportersExactlyOnce() throws Exception {
        NoHangTest.CountingReporter reporter = new NoHangTest.CountingReporter();
        CountDownLatch started = new CountDownLatch(1);
        var par = Parallelized.of((Integer i) -> {
            started.countDown();
            Thread.sleep(60_000);
            return i;
        }, TEN).numThreads(2).progress(reporter).start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CyclicBarrier together = new CyclicBarrier(2);
        Runnable close = () -> {
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            par.close();
        };
        Thread other = new Thread(close);
        other.start();
        assertTimeoutPreemptively(BOUND, close::run);
        other.join(10_000);
        assertThat(other.isAlive()).isFalse();
        assertThat(reporter.finishes).hasValue(1);
    }

    @Test
    void aRunConsumedToTheEndIsFinishedForItsReportersEvenIfNeverClosed() {
        NoHangTest.CountingReporter reporter = new NoHangTest.CountingReporter();
        var par = Parallelized.of((Integer i) -> i, TEN).progress(reporter).start();
        assertThat(par.stream().count()).isEqualTo(10);
        assertThat(reporter.finishes).as("finished at the end of the loop").hasValue(1);
        assertThat(par.progress().snapshot().state()).isEqualTo(RunState.COMPLETED);
        par.close();
        assertThat(reporter.finishes).as("and not again at close").hasValue(1);
    }
}
