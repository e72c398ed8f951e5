package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * {@code cancel()} of a cluster run: one broadcast on the control executor, so the loop ends at once and the
 * tasks queued on the members never start; and no thread of the module outlives {@code close()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelTest {

    private static final int TASKS = 3_000;
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = new TestCluster(3, 16);
        cluster.members.forEach(m -> Functions.registerAll(ParallelizedCluster.on(m)));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void cancelOf3000TasksOf100msEndsTheLoopAtOnceAndQueuedTasksNeverStart() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.members.get(0));
        AtomicInteger read = new AtomicInteger();
        Iterator<Integer> source = IntStream.range(0, TASKS).map(i -> 100).peek(i -> read.incrementAndGet()).iterator();
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        int startedBefore = Functions.STARTED.get();
        long[] loopNanos = new long[1];
        int[] startedAtCancel = new int[1];
        int[] readAtEnd = new int[1];
        List<Integer> rest = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            // 600 in flight: 48 running on the members, the rest queued there
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("sleep", source).total(TASKS)
                    .numThreads(600).maxInFlight(600).progress(ProgressReporter.none()).start()) {
                Iterator<Outcome<Integer, Integer>> it = run.iterator();
                for (int i = 0; i < 100; i++) {
                    outcomes.add(it.next());
                }
                startedAtCancel[0] = Functions.STARTED.get() - startedBefore;
                long cancelledAt = System.nanoTime();
                run.cancel();
                it.forEachRemaining(outcomes::add);
                loopNanos[0] = System.nanoTime() - cancelledAt;
                readAtEnd[0] = read.get();
                // an input read the moment the cancel came, before its loop started it, is handed back unstarted
                run.remaining().forEachRemaining(rest::add);
            }
        });
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> Functions.STARTED.get() == Functions.FINISHED.get());
        int started = Functions.STARTED.get() - startedBefore;
        System.out.printf("cancel of %d x 100 ms on 3 members (pool 16 each, 600 in flight): loop ended %d ms after"
                        + " cancel(); inputs read %d, outcomes %d (%d cancelled), handed back %d; tasks started %d"
                        + " (%d at cancel)%n", TASKS, loopNanos[0] / 1_000_000, readAtEnd[0], outcomes.size(),
                outcomes.stream().filter(Outcome::isCancelled).count(), rest.size(), started, startedAtCancel[0]);
        // nothing is lost: outcomes plus the inputs handed back are exactly the inputs
        assertThat(outcomes.size() + rest.size()).isEqualTo(TASKS);
        assertThat(outcomes.size()).isLessThanOrEqualTo(readAtEnd[0]);
        // every outcome whose task never started is a cancelled one (how many were read by the cancel depends on
        // the machine: the run's 600 loops pick their inputs as they get a thread)
        assertThat(outcomes).filteredOn(Outcome::isCancelled).hasSizeGreaterThanOrEqualTo(outcomes.size() - started)
                .isNotEmpty();
        // the queued ~550 never start: at most one more task per member thread while the broadcast travels
        assertThat(started - startedAtCancel[0]).isLessThanOrEqualTo(48);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.members.stream()
                .mapToInt(m -> ParallelizedCluster.on(m).memberSide().runningTasks()).sum() == 0);
    }

    @Test
    void noThreadOfTheModuleOutlivesClose() {
        var client = cluster.client();
        ParallelizedCluster view = ParallelizedCluster.on(client);
        try (Parallelized<Integer, Integer> run = view.<Integer, Integer>of("sleep", List.of(50, 50, 50, 50, 5_000, 5_000))
                .progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Integer, Integer>> it = run.iterator();
            it.next();
        }
        view.close();
        client.getLifecycleService().shutdown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName).noneMatch(name -> name.startsWith("parallelized-cluster-")));
    }
}
