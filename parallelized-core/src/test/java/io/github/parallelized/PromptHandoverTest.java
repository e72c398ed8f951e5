package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import org.junit.jupiter.api.RepeatedTest;

/**
 * Completion order stays truthful: an outcome reaches the consumer as soon as its task ends, whatever batching the
 * hand-off does, so a slow task holds back nobody else's outcome (issue 9). Each test's slow task waits until the
 * consumer has received the others: a hand-off that held them back would hang, and fail at the bound.
 */
class PromptHandoverTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @RepeatedTest(3)
    void aWorkersOutcomesBeforeItsSlowTaskReachTheConsumerWhileItRuns() {
        CountDownLatch tenReceived = new CountDownLatch(10);
        List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
        List<Integer> order = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                if (i == 10) {
                    Bounded.await(tenReceived); // one worker: the ten outcomes before this task must be out already
                }
                return i;
            }, inputs).numThreads(1).progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    assertThat(outcome.isSuccess()).as("%s", outcome).isTrue();
                    order.add(outcome.input());
                    tenReceived.countDown();
                }
            }
        });
        assertThat(order).containsExactlyElementsOf(inputs);
    }

    @RepeatedTest(3)
    void aRunWhoseFirstTaskIsSlowHandsOverTheOthersAtOnce() {
        CountDownLatch othersReceived = new CountDownLatch(99);
        List<Integer> order = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                if (i == 0) {
                    Bounded.await(othersReceived);
                }
                return i;
            }, IntStream.range(0, 100).boxed().toList()).numThreads(4).maxInFlight(200)
                    .progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    order.add(outcome.input());
                    othersReceived.countDown();
                }
            }
        });
        assertThat(order).hasSize(100).endsWith(0);
    }
}
