package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class BadInputTest {

    private static final TaskFunction<Integer, Integer> IDENTITY = i -> i;

    private static Parallelized.Builder<Integer, Integer> builder() {
        return Parallelized.of(IDENTITY, List.of(1, 2, 3)).progress(ProgressReporter.none());
    }

    @Test
    void nullFunctionOrTasksNameTheParameter() {
        assertThatThrownBy(() -> Parallelized.of(null, List.of(1))).isInstanceOf(NullPointerException.class)
                .hasMessage("function");
        assertThatThrownBy(() -> Parallelized.of(IDENTITY, (Iterable<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Parallelized.of(IDENTITY, (Iterator<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Parallelized.of(IDENTITY, (Stream<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
    }

    @Test
    void outOfRangeOptionsSayWhatIsAllowed() {
        assertThatThrownBy(() -> builder().numThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numThreads must be between 1 and 10000 (platform threads) or 1000000 (virtual threads,"
                        + " asynchronous tasks), was 0");
        assertThatThrownBy(() -> builder().numThreads(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("was " + Integer.MAX_VALUE);
        assertThatThrownBy(() -> builder().numThreads(10_001).start()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numThreads 10001 is above 10000, the most platform threads a run may ask for; call"
                        + " virtualThreads() for up to 1000000");
        assertThatThrownBy(() -> builder().maxInFlight(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInFlight must be at least 1, was 0");
        assertThatThrownBy(() -> builder().total(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total must be at least 0, was -1");
        assertThatThrownBy(() -> builder().retry(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1, was 0");
        assertThatThrownBy(() -> builder().retry(2, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff must not be negative");
        assertThatThrownBy(() -> builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be more than zero");
        assertThatThrownBy(() -> builder().stopAfterFailures(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().stopAboveFailureRate(1.0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRate must be in [0, 1)");
        assertThatThrownBy(() -> ProgressReporter.log(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentStep must be in 1..100, was 0");
    }

    @Test
    void nullOptionsNameTheParameter() {
        assertThatThrownBy(() -> builder().desc(null)).hasMessage("desc");
        assertThatThrownBy(() -> builder().progress(null)).hasMessage("reporter");
        assertThatThrownBy(() -> builder().executor(null)).hasMessage("executor");
        assertThatThrownBy(() -> builder().timeout(null)).hasMessage("timeout");
        assertThatThrownBy(() -> builder().decorator(null)).hasMessage("decorator");
    }

    @Test
    void aShutDownExecutorIsRefused() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        assertThatThrownBy(() -> builder().executor(pool)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already shut down");
    }

    @Test
    void virtualThreadsNeedJava21() {
        if (Runtime.version().feature() >= 21) {
            assertThat(VirtualThreads.available()).isTrue();
        } else {
            assertThatThrownBy(() -> builder().virtualThreads()).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("needs Java 21 or later; this JVM is Java " + Runtime.version().feature());
        }
    }

    @Test
    void startTwiceIsRefused() {
        Parallelized.Builder<Integer, Integer> builder = builder();
        try (var par = builder.start()) {
            assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("start() was already called");
            par.forEach(o -> { });
        }
    }

    @Test
    void aSecondIterationIsRefused() {
        try (var par = builder().start()) {
            par.forEach(o -> { });
            assertThatThrownBy(par::iterator).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the outcomes of a run can be iterated only once");
            assertThatThrownBy(par::stream).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void useAfterCloseIsRefusedButCloseAndQueriesStaySafe() {
        var par = builder().start();
        par.close();
        par.close();
        assertThatThrownBy(par::iterator).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(par.summary().state()).isEqualTo(RunState.CANCELLED);
        par.cancel();
        par.progress().setPostfix(null);
    }

    @Test
    void iteratorNextPastTheEndThrows() {
        try (var par = builder().start()) {
            Iterator<Outcome<Integer, Integer>> it = par.iterator();
            it.forEachRemaining(o -> { });
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void aFailingSourceEndsTheRunWithItsErrorAndCancelsRunningTasks() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        IllegalStateException sourceError = new IllegalStateException("database cursor lost");
        Iterator<Integer> failing = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 3) {
                    try {
                        Bounded.await(running); // input 0 is running when the source fails
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw sourceError;
                }
                return next++;
            }
        };
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        try (var par = Parallelized.of((Integer i) -> {
            if (i == 0) {
                running.countDown();
                Bounded.untilInterrupted(); // blocks until cancelled
            }
            return i;
        }, failing).numThreads(2).threadNamePrefix("failing-source-").progress(ProgressReporter.none()).start()) {
            assertThatThrownBy(() -> par.forEach(outcomes::add)).isInstanceOf(ParallelizedException.class)
                    .hasMessageContaining("the task source failed: IllegalStateException: database cursor lost")
                    .hasCause(sourceError);
            assertThat(par.summary().state()).isEqualTo(RunState.FAILED);
        }
        assertThat(outcomes).extracting(Outcome::input).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(outcomes.stream().filter(o -> o.input() == 0).findFirst().orElseThrow().isCancelled()).isTrue();
        Threads.awaitNoneNamed("failing-source-");
    }
}
