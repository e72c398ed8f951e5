package io.github.parallelized.spring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.RunState;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class ShutdownTests {

    @org.junit.jupiter.api.Test
    void durationsAreLoggedAsAPropertyWouldBeWritten() {
        assertThat(RunShutdown.format(java.time.Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(RunShutdown.format(java.time.Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(RunShutdown.format(java.time.Duration.ofMillis(18_971))).isEqualTo("18.97s");
    }

    private static ApplicationContextRunner runner(String pool, String prefix, String awaitTermination) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class))
                .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none",
                        "parallelized.pool=" + pool, "parallelized.thread-name-prefix=" + prefix,
                        "parallelized.shutdown.await-termination=" + awaitTermination);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-run"})
    void closingWaitsForRunsThatFinishInTime(String pool) {
        String prefix = "finishing-" + pool + "-";
        runner(pool, prefix, "30s").run(context -> {
            Gate gate = new Gate();
            CountDownLatch started = new CountDownLatch(2);
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                started.countDown();
                gate.pass();
                return i;
            }, IntStream.range(0, 6).boxed().toList()).start();
            CompletableFuture<List<Outcome<Integer, Integer>>> outcomes = Gate.consume(run);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            Thread closer = new Thread(context::close, "test-closer");
            closer.start();
            RunRegistry registry = context.getSourceApplicationContext().getBean(RunRegistry.class);
            await().atMost(10, TimeUnit.SECONDS).until(registry::isShuttingDown);
            // the close is under way and the tasks still wait: it must not have cancelled them
            assertThat(run.isCancelled()).isFalse();
            gate.open();
            closer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(closer.isAlive()).isFalse();
            assertThat(outcomes.get(10, TimeUnit.SECONDS)).hasSize(6).allMatch(Outcome::isSuccess);
            assertThat(run.summary().state()).isEqualTo(RunState.COMPLETED);
            assertThat(Gate.liveThreads(prefix)).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-run"})
    void closingCancelsRunsStillGoingAfterTheWaitAndLeavesNoThread(String pool, CapturedOutput output) {
        String prefix = "cancelled-" + pool + "-";
        runner(pool, prefix, "100ms").run(context -> {
            Gate never = new Gate();
            CountDownLatch started = new CountDownLatch(2);
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                started.countDown();
                never.pass();
                return i;
            }, IntStream.range(0, 6).boxed().toList()).desc("going\nWARN forged").start();
            CompletableFuture<Gate.Accounted<Integer, Integer>> outcomes = Gate.consumeAll(run);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Gate.liveThreads(prefix)).isNotEmpty();

            context.close();

            // checked at once: close() returns only once the run's threads are gone and its consumer has
            // received every input, cancelled, while the context's beans were still there
            assertThat(Gate.liveThreads(prefix)).isEmpty();
            assertThat(run.progress().snapshot().state()).isEqualTo(RunState.CANCELLED);
            Gate.Accounted<Integer, Integer> accounted = outcomes.get(10, TimeUnit.SECONDS);
            assertThat(accounted.outcomes()).hasSizeGreaterThanOrEqualTo(2).allMatch(Outcome::isCancelled);
            assertThat(accounted.size()).as("outcomes plus the unread rest").isEqualTo(6);
            assertThat(run.summary().state()).isEqualTo(RunState.CANCELLED);
            assertThat(output).contains("Run " + run.id() + " 'going\\nWARN forged': cancelling it, still going after"
                            + " 100ms of shutdown (parallelized.shutdown.await-termination); 0 of 6 inputs done")
                    .contains("Run " + run.id() + " 'going\\nWARN forged' cancelled at shutdown: 0 succeeded,"
                            + " 0 failed, " + accounted.outcomes().size() + " cancelled")
                    .doesNotContain("\nWARN forged");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-run"})
    void aRunStartedDuringShutdownIsCancelledAtOnce(String pool) {
        runner(pool, "late-" + pool + "-", "30s").run(context -> {
            context.getSourceApplicationContext().getBean(RunRegistry.class).beginShutdown();
            try (Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class)
                    .<Integer, Integer>of(i -> i, List.of(1, 2, 3)).start()) {
                Gate.Accounted<Integer, Integer> accounted = Gate.drainAll(run);
                assertThat(accounted.outcomes()).allMatch(Outcome::isCancelled);
                assertThat(accounted.size()).as("outcomes plus the unread rest").isEqualTo(3);
            }
        });
    }

    /**
     * A context that is stopped and started again (Spring's test-context pausing, a CRaC checkpoint and restore,
     * {@code stop()} then {@code start()}) runs new runs again: it cancelled every one at once, and the shared
     * pool was shut down for good.
     */
    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-run"})
    void aContextStoppedAndStartedAgainRunsNewRuns(String pool) {
        runner(pool, "restarted-" + pool + "-", "30s").run(context -> {
            context.getSourceApplicationContext().stop();
            context.getSourceApplicationContext().start();
            try (Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class)
                    .<Integer, Integer>of(i -> i * 2, List.of(1, 2, 3)).start()) {
                Gate.Accounted<Integer, Integer> accounted = Gate.drainAll(run);
                assertThat(accounted.outcomes()).hasSize(3).allMatch(Outcome::isSuccess);
                assertThat(run.summary().state()).isEqualTo(RunState.COMPLETED);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-run"})
    void stoppingTheContextCancelsRunsStillGoingAfterTheWait(String pool) {
        runner(pool, "stopped-" + pool + "-", "100ms").run(context -> {
            Gate never = new Gate();
            CountDownLatch started = new CountDownLatch(1);
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                started.countDown();
                never.pass();
                return i;
            }, IntStream.range(0, 6).boxed().toList()).start();
            CompletableFuture<Gate.Accounted<Integer, Integer>> outcomes = Gate.consumeAll(run);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            context.getSourceApplicationContext().stop();

            assertThat(outcomes.get(10, TimeUnit.SECONDS).size()).as("outcomes plus the unread rest").isEqualTo(6);
            assertThat(run.summary().state()).isEqualTo(RunState.CANCELLED);
        });
    }
}
