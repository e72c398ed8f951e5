package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Workers claim several inputs at once when tasks are trivial (issue 9): an idle worker steals what waits in
 * another's claim, a stop gives the claimed inputs that never started back to {@code remaining()}, and the order
 * of an {@code ordered()} run survives the gaps that leaves.
 */
class ClaimsTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void aClaimGrowsWhileItsTasksAreTrivialAndShrinksToOneForSlowOnes() {
        Pace worker = new Pace();
        long now = 0;
        assertThat(worker.nextClaimSize(now, 16)).as("the first claim").isEqualTo(1);
        int size = 1;
        for (int i = 0; i < 6; i++) {
            worker.claimed(size, size, now);
            now += size * 100L; // 100 ns an input: trivial
            size = worker.nextClaimSize(now, 16);
        }
        assertThat(size).as("grown to the limit").isEqualTo(16);
        worker.claimed(size, size, now);
        now += size * TimeUnit.MILLISECONDS.toNanos(1); // 1 ms an input
        assertThat(worker.nextClaimSize(now, 16)).as("slow tasks: one at a time").isEqualTo(1);
        worker.claimed(8, 8, now);
        now += 8 * 10_000L; // 10 us an input: neither
        assertThat(worker.nextClaimSize(now, 16)).as("kept").isEqualTo(8);
    }

    @Test
    void aWorkerMakesItsPaceOnlyOnceItsClaimsGrow() throws ReflectiveOperationException {
        java.lang.reflect.Field pace = Worker.class.getDeclaredField("pace");
        pace.setAccessible(true);
        Worker<Integer, Integer> slow = new Worker<>(null, 0, new TaskTimes(), WorkerCounts.own(), null);
        assertThat(slow.nextClaimSize(0, 16)).as("the first claim").isEqualTo(1);
        slow.claimed(1, 1, 0);
        long began = slow.begins(1_000);
        assertThat(slow.nextClaimSize(began + TimeUnit.MILLISECONDS.toNanos(10), 16)).as("a slow task").isEqualTo(1);
        slow.claimed(1, 1, began);
        assertThat(pace.get(slow)).as("claims of one: no pace").isNull();

        Worker<Integer, Integer> trivial = new Worker<>(null, 0, new TaskTimes(), WorkerCounts.own(), null);
        trivial.claimed(1, 1, 0);
        long now = trivial.begins(1_000) + 100; // a 100 ns task
        int size = trivial.nextClaimSize(now, 16);
        assertThat(size).as("grows as the pace would").isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            trivial.claimed(size, size, now);
            now += size * 100L;
            size = trivial.nextClaimSize(now, 16);
        }
        assertThat(size).as("grown to the limit").isEqualTo(16);
        assertThat(pace.get(trivial)).isNotNull();
    }

    /**
     * Every 2,000th task waits until the input after it has started. Trivial tasks make the claims grow, so most
     * such pairs share a claim: the waiting task's worker cannot run the next input, the other worker steals it
     * (before its next claim, since the waiting task has stalled; or once the source is drained).
     */
    @RepeatedTest(5)
    void aTaskWaitingForTheNextInputOfItsClaimIsNotDeadlocked() {
        int inputs = 20_000;
        Map<Integer, CountDownLatch> started = new ConcurrentHashMap<>();
        for (int i = 0; i < inputs; i++) {
            if (i % 2_000 == 1_001) {
                started.put(i, new CountDownLatch(1));
            }
        }
        assertThat(failuresOnTwoThreads(inputs, i -> {
            CountDownLatch mine = started.get(i);
            if (mine != null) {
                mine.countDown();
            }
            if (i % 2_000 == 1_000 && !started.get(i + 1).await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("input " + (i + 1) + " did not start while " + i + " waited");
            }
            return i;
        })).isEmpty();
    }

    /** The last task waits for the one after it: once the source is drained, the idle worker steals it. */
    @RepeatedTest(5)
    void anIdleWorkerStealsTheInputWaitingBehindTheLastTask() {
        int inputs = 2_000;
        CountDownLatch lastStarted = new CountDownLatch(1);
        assertThat(failuresOnTwoThreads(inputs, i -> {
            if (i == inputs - 1) {
                lastStarted.countDown();
            }
            if (i == inputs - 2 && !lastStarted.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the last input did not start while the one before it waited");
            }
            return i;
        })).isEmpty();
    }

    /** Runs the inputs 0 until {@code inputs} on two threads, within the bound; the outcomes that failed. */
    private static List<Outcome<Integer, Integer>> failuresOnTwoThreads(int inputs,
                                                                         TaskFunction<Integer, Integer> task) {
        List<Outcome<Integer, Integer>> failed = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of(task, IntStream.range(0, inputs).boxed().toList()).numThreads(2)
                    .progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    if (!outcome.isSuccess()) {
                        failed.add(outcome);
                    }
                }
            }
        });
        return failed;
    }

    @RepeatedTest(5)
    void aCancelGivesEveryClaimedInputThatNeverStartedBackToRemaining() {
        int inputs = 200_000;
        List<Integer> seen = new ArrayList<>();
        List<Integer> cancelled = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, IntStream.range(0, inputs).boxed().toList())
                    .numThreads(4).progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    seen.add(outcome.input());
                    if (outcome.isCancelled()) {
                        cancelled.add(outcome.input());
                    }
                    if (seen.size() == 5_000) {
                        par.cancel();
                    }
                }
                rest.addAll(Remaining.of(par));
            }
        });
        assertThat(cancelled).as("only the input each worker had taken when the run stopped")
                .hasSizeLessThanOrEqualTo(4);
        List<Integer> all = new ArrayList<>(seen);
        all.addAll(rest);
        assertThat(all).as("every input exactly once, as an outcome or in remaining()")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, inputs).boxed().toList());
        assertThat(rest).as("the unread rest in source order").isSorted();
        assertThat(seen.size()).as("the loop ended soon after the cancel").isLessThan(5_000 + 4 * 64 + 4);
    }

    @RepeatedTest(5)
    void anOrderedRunThatIsCancelledLosesNoOutcomeAfterAGivenBackInput() {
        int inputs = 200_000;
        List<Integer> seen = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.of((Integer i) -> i, IntStream.range(0, inputs).boxed().toList())
                    .numThreads(4).ordered().progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> outcome : par) {
                    seen.add(outcome.input());
                    if (seen.size() == 5_000) {
                        par.cancel();
                    }
                }
                rest.addAll(Remaining.of(par));
            }
        });
        assertThat(seen).as("submission order").isSorted();
        List<Integer> all = new ArrayList<>(seen);
        all.addAll(rest);
        assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.range(0, inputs).boxed().toList());
    }

    /** A collection that says it holds {@code claimed} inputs and yields {@code actual}, logging its reads. */
    private static java.util.Collection<Integer> logged(int claimed, int actual, List<String> log) {
        return new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<Integer> iterator() {
                return new java.util.Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        boolean more = next < actual;
                        if (!more) {
                            log.add("end");
                        }
                        return more;
                    }

                    @Override
                    public Integer next() {
                        return next++;
                    }
                };
            }

            @Override
            public int size() {
                return claimed;
            }
        };
    }

    /**
     * A source of known size is seen to end when its last input is read, in the same hold of the read lock: the
     * run's loops do not queue for one more read to learn it (thousands of them on virtual threads).
     */
    @Test
    void aSourceOfKnownSizeIsSeenToEndWhenItsLastInputIsRead() {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Outcome<Integer, Integer>> outcomes = assertTimeoutPreemptively(BOUND, () -> {
            try (var run = Parallelized.of((Integer i) -> {
                log.add("task " + i);
                return i;
            }, logged(3, 3, log)).numThreads(1).progress(ProgressReporter.none()).start()) {
                return run.stream().toList();
            }
        });
        assertThat(outcomes).hasSize(3).allMatch(Outcome::isSuccess);
        assertThat(log).containsOnlyOnce("end");
        assertThat(log.indexOf("end")).as("the end is read before the last task runs: %s", log)
                .isLessThan(log.indexOf("task 2"));
    }

    /** The size is not trusted: a collection that says fewer or more inputs than it yields has each one run. */
    @Test
    void aCollectionThatLiesAboutItsSizeHasEveryInputRunOnce() {
        for (int[] sizes : new int[][] {{2, 50}, {50, 3}, {0, 10}, {10, 0}}) {
            List<Outcome<Integer, Integer>> outcomes = assertTimeoutPreemptively(BOUND, () -> {
                try (var run = Parallelized.of((Integer i) -> i, logged(sizes[0], sizes[1], new ArrayList<>()))
                        .numThreads(4).progress(ProgressReporter.none()).start()) {
                    return run.stream().toList();
                }
            });
            assertThat(outcomes).as("says %d, holds %d", sizes[0], sizes[1]).extracting(Outcome::input)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, sizes[1]).boxed().toList());
        }
    }
}
