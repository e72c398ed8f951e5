package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Outcomes reach the consumer in batches, yet each one at once: a slow task holds back nobody else's (issue 9). */
class HandoffTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void aWorkersOutcomesBeforeItsSlowTaskReachTheConsumerWhileItRuns() {
        CountDownLatch tenReceived = new CountDownLatch(10);
        List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
        List<Integer> order = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> {
                if (i == 10) {
                    Bounded.await(tenReceived); // one worker: its ten outcomes before must be out already
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

    @Test
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

    @RepeatedTest(5)
    void outboxesOfConcurrentProducersHandOverEveryOutcomeExactlyOnce() throws Exception {
        Handoff handoff = new Handoff();
        int producers = 4;
        int each = 50_000; // many chunks per outbox
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Handoff.Outbox outbox = handoff.outbox();
            int first = p * each;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    outbox.publish(first + i);
                    if (i % 1_000 == 0) {
                        Thread.yield(); // let the consumer catch up and clear the flag: the outbox is queued again
                    }
                }
            });
            producer.start();
            threads.add(producer);
        }
        boolean[] seen = new boolean[producers * each];
        int[] lastOf = new int[producers];
        java.util.Arrays.fill(lastOf, -1);
        handoff.consumeOn(Thread.currentThread());
        assertTimeoutPreemptively(BOUND, () -> {
            for (int received = 0; received < seen.length; ) {
                Object next = handoff.poll();
                if (next == null) {
                    next = handoff.park(this);
                }
                if (next != null) {
                    int value = (Integer) next;
                    assertThat(seen[value]).as("outcome %s handed over twice", value).isFalse();
                    seen[value] = true;
                    assertThat(value).as("one producer's outcomes in its order").isGreaterThan(lastOf[value / each]);
                    lastOf[value / each] = value;
                    received++;
                }
            }
        });
        for (Thread thread : threads) {
            Bounded.join(thread);
        }
        assertThat(handoff.poll()).isNull();
        assertThat(handoff.isEmpty()).isTrue();
    }

    @Test
    void anOutcomeDeliveredOutsideAWorkerLoopComesOutToo() {
        Handoff handoff = new Handoff();
        Handoff.Outbox outbox = handoff.outbox();
        outbox.publish("a");
        handoff.publish("orphan");
        outbox.publish("b");
        List<Object> out = new ArrayList<>();
        for (Object next; (next = handoff.poll()) != null; ) {
            out.add(next);
        }
        assertThat(out).containsExactlyInAnyOrder("a", "b", "orphan");
        assertThat(handoff.isEmpty()).isTrue();
    }
}
