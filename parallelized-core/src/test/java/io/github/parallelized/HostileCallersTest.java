package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * User code that lies: errors whose {@code getMessage()} throws, reporters with absurd values, executors that run
 * work on the caller, tasks that interrupt their own thread. Each promise of the README holds anyway: every input
 * becomes one outcome, nothing hangs, and what cannot be honoured is refused with a message saying why.
 */
class HostileCallersTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    /** An error whose message cannot be read: Logback, a checkpoint store or a log line would ask for it. */
    static final class LyingError extends RuntimeException {
        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage() lies");
        }
    }

    /** Every outcome of the run, within a bound: a hang fails here, naming it. */
    private static <R> List<Outcome<Integer, R>> all(Parallelized<Integer, R> par) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<Outcome<Integer, R>> outcomes = new ArrayList<>();
            par.forEach(outcomes::add);
            return outcomes;
        }, "the run's outcomes did not all come within 30 s");
    }

    @Test
    void describeNamesAnErrorWhoseMessageCauseOrTraceThrows() {
        assertThat(Errors.describe(new LyingError(), false))
                .isEqualTo("LyingError (its getMessage() threw IllegalStateException)");
        RuntimeException wrapped = new RuntimeException("outer", new LyingError());
        assertThat(Errors.describe(wrapped, false))
                .isEqualTo("RuntimeException: outer (caused by LyingError (its getMessage() threw IllegalStateException))");
        RuntimeException badCause = new RuntimeException("no cause to be had") {
            @Override
            public synchronized Throwable getCause() {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(Errors.describe(badCause, false)).endsWith(": no cause to be had");
        assertThat(Errors.describe(new LyingError(), true))
                .startsWith("LyingError (its getMessage() threw IllegalStateException)")
                .contains("its stack trace could not be printed");
    }

    @Test
    void aListenerThatThrowsALyingErrorIsDroppedAndTheRunEnds() {
        ProgressReporter liar = new ProgressReporter() {
            @Override
            public void onOutcome(String run, Outcome<?, ?> outcome) {
                throw new LyingError();
            }
        };
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, HUNDRED).progress(ProgressReporter.none()).listener(liar)
                    .start()) {
                assertThat(all(par)).hasSize(100).allMatch(Outcome::isSuccess);
            }
        });
    }

    @Test
    void aLoggingBackendThatReadsTheLyingErrorsMessageDoesNotStopTheRun() {
        // as Logback does through jul-to-slf4j in a Spring Boot application: its ThrowableProxy reads getMessage()
        Logger jul = Logger.getLogger("io.github.parallelized");
        Handler reading = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getThrown() != null) {
                    record.getThrown().getMessage();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(reading);
        try {
            ProgressReporter liar = new ProgressReporter() {
                @Override
                public void onStart(Parallelized<?, ?> run) {
                    throw new LyingError();
                }
            };
            ProgressReporter laterLiar = new ProgressReporter() {
                @Override
                public void onOutcome(String run, Outcome<?, ?> outcome) {
                    throw new LyingError();
                }
            };
            assertTimeoutPreemptively(BOUND, () -> {
                try (var par = Parallelized.of((Integer i) -> i, HUNDRED).progress(liar).listener(laterLiar)
                        .start()) {
                    assertThat(all(par)).hasSize(100).allMatch(Outcome::isSuccess);
                }
            });
        } finally {
            jul.removeHandler(reading);
        }
    }

    @Test
    void aSourceThatThrowsALyingErrorEndsTheRunWithParallelizedException() {
        Iterator<Integer> lying = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == 10) {
                    throw new LyingError();
                }
                return true;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, lying).progress(ProgressReporter.none()).start()) {
                List<Integer> inputs = new ArrayList<>();
                assertThatThrownBy(() -> par.forEach(o -> inputs.add(o.input())))
                        .isInstanceOf(ParallelizedException.class)
                        .hasMessage("the task source failed: LyingError (its getMessage() threw IllegalStateException)")
                        .hasCauseInstanceOf(LyingError.class);
                assertThat(inputs).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
            }
        });
    }

    @Test
    void aTaskErrorThatLiesIsRecordedAsItsFailureNotAsAStoreFailure() {
        CheckpointStore store = CheckpointStore.inMemory();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                throw new LyingError();
            }, HUNDRED).progress(ProgressReporter.none()).checkpoint(store, "liars", String::valueOf).start()) {
                assertThat(all(par)).hasSize(100).allMatch(o -> o.error() instanceof LyingError);
                assertThat(par.summary().state()).isEqualTo(RunState.COMPLETED);
            }
        });
        assertThat(store.failedCount("liars")).isEqualTo(100);
        assertThat(store.failed("liars", 1).get(0).message()).isEqualTo("(its getMessage() threw java.lang.IllegalStateException)");
    }

    @Test
    void aReporterAskingForTheLongestRefreshIntervalIsRefreshedNeverAndTheRunGoesOn() {
        AtomicInteger refreshes = new AtomicInteger();
        ProgressReporter rarely = new ProgressReporter() {
            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(Long.MAX_VALUE);
            }

            @Override
            public void onRefresh(ProgressSnapshot snapshot) {
                refreshes.incrementAndGet();
            }
        };
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, HUNDRED).progress(rarely).start()) {
                assertThat(all(par)).hasSize(100);
            }
        });
        assertThat(refreshes).hasValue(0);
    }

    /** An executor that runs each task inside execute(), on the caller: Guava's directExecutor(), Runnable::run. */
    static final class DirectExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }

    @Test
    void anExecutorThatRunsTheLoopsOnTheCallerIsRefusedAtStartInsteadOfHanging() {
        AtomicInteger ran = new AtomicInteger();
        // a full pool whose own rejection handler (not the JDK's CallerRunsPolicy) runs refused work on the caller
        ThreadPoolExecutor callerRuns = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(1), (work, pool) -> work.run());
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        try {
            callerRuns.execute(() -> {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            callerRuns.execute(() -> { });
            for (ExecutorService executor : List.of(new DirectExecutor(), callerRuns)) {
                assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(() -> Parallelized.of((Integer i) -> {
                    ran.incrementAndGet();
                    return i;
                }, HUNDRED).executor(executor).numThreads(2).maxInFlight(4).progress(ProgressReporter.none()).start())
                        .isInstanceOf(ParallelizedException.class)
                        .hasMessageContaining("the executor ran a worker loop on the calling thread, inside execute()"));
            }
            assertThat(ran).as("nothing ran on the caller").hasValue(0);
        } finally {
            hold.countDown();
            callerRuns.shutdownNow();
        }
    }

    @Test
    void aTaskThatInterruptsItsOwnThreadLeavesNoInterruptForTheNextInput() {
        for (int window : new int[] {1, 128}) {
            AtomicInteger sawInterrupt = new AtomicInteger();
            assertTimeoutPreemptively(BOUND, () -> {
                try (var par = Parallelized.of((Integer i) -> {
                    if (Thread.currentThread().isInterrupted()) {
                        sawInterrupt.incrementAndGet();
                    }
                    Thread.currentThread().interrupt(); // and returns normally: a bug of the task's, not a stop
                    return i;
                }, HUNDRED).numThreads(1).maxInFlight(window).progress(ProgressReporter.none()).start()) {
                    assertThat(all(par)).as("window %d", window).hasSize(100).allMatch(Outcome::isSuccess);
                    assertThat(par.isCancelled()).isFalse();
                }
            });
            assertThat(sawInterrupt).as("window %d: inputs that began interrupted", window).hasValue(0);
        }
    }

    @Test
    void onVirtualThreadsTooATasksOwnInterruptIsNotLeftToTheNextInput() {
        if (!VirtualThreads.available()) {
            return; // Java 17: no virtual threads; .ci/run repeats this suite on JDK 25
        }
        AtomicInteger sawInterrupt = new AtomicInteger();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                if (Thread.currentThread().isInterrupted()) {
                    sawInterrupt.incrementAndGet();
                }
                Thread.currentThread().interrupt();
                return i;
            }, HUNDRED).virtualThreads().numThreads(1).progress(ProgressReporter.none()).start()) {
                assertThat(all(par)).hasSize(100).allMatch(Outcome::isSuccess);
            }
        });
        assertThat(sawInterrupt).as("inputs that began interrupted").hasValue(0);
    }

    @Test
    void anAsyncApplyThatInterruptsItsOwnThreadLeavesNoInterruptForTheNextInput() {
        AtomicInteger sawInterrupt = new AtomicInteger();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.ofAsync((Integer i) -> {
                if (Thread.currentThread().isInterrupted()) {
                    sawInterrupt.incrementAndGet();
                }
                Thread.currentThread().interrupt();
                return java.util.concurrent.CompletableFuture.completedFuture(i);
            }, HUNDRED).numThreads(1).progress(ProgressReporter.none()).start()) {
                assertThat(all(par)).hasSize(100).allMatch(Outcome::isSuccess);
            }
        });
        assertThat(sawInterrupt).as("inputs whose apply began interrupted").hasValue(0);
    }

    @Test
    void aPostfixValueWhoseToStringThrowsIsNamedAndTheDisplayStays() {
        Object lying = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("toString() lies");
            }
        };
        java.util.Map<String, Object> postfix = new java.util.LinkedHashMap<>();
        postfix.put("file", "a.png");
        postfix.put("bad", lying);
        // the console bar and the log line format it on the refresh thread: a throw there dropped the whole display
        assertThat(Postfix.format(postfix)).startsWith("file=a.png, bad=io.github.parallelized.HostileCallersTest$")
                .endsWith(" (its toString() threw IllegalStateException)");
    }

    @Test
    void aReporterThatBlocksInOnRefreshNeverFreezesAnotherRunsConsoleBar() throws Exception {
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ProgressReporter stuck = new ProgressReporter() {
            @Override
            public Duration refreshInterval() {
                return Duration.ofMillis(5);
            }

            @Override
            public void onRefresh(ProgressSnapshot snapshot) {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // a listener stuck on a slow dashboard, say
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8);
        ConsoleReporter bar = new ConsoleReporter(new Screen(err, err, false, false, 80, false),
                Duration.ofMillis(20), false, false);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (var stalled = Parallelized.of((Integer i) -> i, HUNDRED).progress(ProgressReporter.none()).listener(stuck)
                .start();
             var shown = Parallelized.of((Integer i) -> {
                 Bounded.await(gate);
                 return i;
             }, HUNDRED).desc("Shown").progress(bar).start()) {
            Bounded.await(blocked);
            // the bar of the other run goes on refreshing: line after line while the listener is stuck
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    lines.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                            .filter(line -> line.startsWith("Shown:")).count() >= 3);
            gate.countDown();
            assertThat(all(shown)).hasSize(100);
            release.countDown();
            assertThat(all(stalled)).hasSize(100);
        } finally {
            gate.countDown();
            release.countDown();
        }
    }
}
