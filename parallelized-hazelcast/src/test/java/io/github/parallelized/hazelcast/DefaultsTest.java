package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * The tasks in flight of a cluster run: at the defaults, more than the members have threads, the surplus waiting on
 * the submitter, each member thread with its next task waiting on the member; a member that joins takes its share at
 * once; {@code numThreads} set by the user is the tasks in flight, exactly. Tasks held at a gate show the counts
 * without a clock.
 */
class DefaultsTest {

    private static final int POOL = 4;
    /** Tasks that entered the gate, on every member of this JVM. */
    private static final AtomicInteger ENTERED = new AtomicInteger();
    private static volatile CountDownLatch gate = new CountDownLatch(1);

    private TestCluster cluster;

    @BeforeEach
    void start() {
        ENTERED.set(0);
        gate = new CountDownLatch(1);
        cluster = new TestCluster(2, POOL);
        cluster.members.forEach(m -> register(ParallelizedCluster.on(m)));
    }

    @AfterEach
    void stop() {
        gate.countDown();
        cluster.close();
    }

    private static void register(ParallelizedCluster view) {
        Functions.registerAll(view);
        view.register("gate", DefaultsTest::pass);
        view.register("another-gate", DefaultsTest::pass);
        view.register("gate-on-one", DefaultsTest::passOnOthers);
        view.register("count", DefaultsTest::count);
        view.register("nap", DefaultsTest::nap);
    }

    /** Counts the task's start and returns at once. */
    private static Integer count(Integer x) {
        ENTERED.incrementAndGet();
        return x;
    }

    /** Counts the task's start and returns after 6 ms (more than a task sent alone runs). */
    private static Integer nap(Integer x) throws InterruptedException {
        ENTERED.incrementAndGet();
        Thread.sleep(6);
        return x;
    }

    /** Tasks of "gate-on-one" wait at the gate only on the member of this name (its executor threads carry it). */
    private static volatile String gatedMember = "";

    private static Integer passOnOthers(Integer x) throws InterruptedException {
        return Thread.currentThread().getName().startsWith("hz." + gatedMember + ".") ? pass(x) : x;
    }

    private static Integer pass(Integer x) throws InterruptedException {
        ENTERED.incrementAndGet();
        if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate stayed shut");
        }
        return x;
    }

    private static String counts(Parallelized<?, ?> run, ParallelizedCluster submitter) {
        return counts(run.progress().snapshot().running(), ENTERED.get(), submitter.lanes().waiting());
    }

    private static String counts(long inFlight, int running, int waitingOnTheSubmitter) {
        return "in flight " + inFlight + ", running " + running + ", waiting on the submitter " + waitingOnTheSubmitter;
    }

    @Test
    void theDefaultKeepsEveryMemberThreadsNextTaskWaitingAndMoreOnTheSubmitter() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        int threads = submitter.clusterThreads();
        assertThat(threads).isEqualTo(2 * POOL);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate",
                    IntStream.range(0, 1_000).boxed()).progress(ProgressReporter.none()).start()) {
                int inFlight = Lanes.DEFAULT_DEPTH * threads; // the function's time is not known yet
                // the members hold two per thread (one running, one next), the rest waits here
                String expected = counts(inFlight, threads, inFlight - 2 * threads);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(counts(run, submitter)).isEqualTo(expected));
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(counts(run, submitter)).isEqualTo(expected));
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(1_000);
                assertThat(submitter.stats(run).orElseThrow().resubmissions()).isZero();
            }
        });
        assertThat(submitter.lanes().waiting()).isZero();
    }

    @Test
    void shortTasksInBatchesStillKeepEveryMemberThreadBusyAtTheDefaultsAndWithNumThreads() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        int threads = submitter.clusterThreads();
        // as if the members had measured "gate" at 100 us a task: batches of up to 32 ms of work
        submitter.lanes().times("gate").measured(10_000_000, 100);
        int batch = Lanes.batchSize(100_000);
        int inFlight = Lanes.defaultInFlight(threads, submitter.lanes().times("gate"));
        assertThat(inFlight).isEqualTo(Math.min(Lanes.MAX_PER_THREAD, 3 * batch) * threads);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate",
                    IntStream.range(0, 10_000).boxed()).progress(ProgressReporter.none()).start()) {
                // the first task of each batch waits at the gate: one per member thread, every thread has a batch
                // (with the window of 32 per thread, batches of 80 left two of each member's four threads idle)
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(ENTERED.get()).isEqualTo(threads);
                    assertThat(run.progress().snapshot().running()).isEqualTo(inFlight);
                });
                // at most two batches per member thread, each at most half a thread's share of the window
                assertThat(submitter.lanes().waiting()).isGreaterThanOrEqualTo(
                        inFlight - 2 * threads * Math.min(batch, inFlight / threads / 2));
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(10_000);
            }
        });
        gate = new CountDownLatch(1);
        ENTERED.set(0);
        submitter.lanes().times("another-gate").measured(10_000_000, 100);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("another-gate",
                    IntStream.range(0, 1_000).boxed()).numThreads(40).progress(ProgressReporter.none()).start()) {
                // 20 per member: batches small enough that each of its four threads gets one (they were of 10, two
                // per member)
                await().atMost(Duration.ofSeconds(10)).until(() -> ENTERED.get() == threads);
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                        ENTERED.get() == threads && run.progress().snapshot().running() == 40);
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(1_000);
            }
        });
    }

    /**
     * Runs {@code tasks} inputs of {@code function} while a listener holds the threads that hand out outcomes (the
     * answer threads: each stops at its first outcome): every answer thread is held, all of the window ({@code
     * inFlight}) starts, and nothing waits on the submitter; {@code check} holds then and after the run, whose every
     * task succeeds once the threads are let go.
     */
    private static void allOfTheWindowStartsWhileTheAnswerThreadsAreHeld(ParallelizedCluster submitter, String function,
                                                                        int tasks, int inFlight, Runnable check) {
        CountDownLatch handOut = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        ProgressReporter holding = new ProgressReporter() {
            @Override
            public void onOutcome(String runId, Outcome<?, ?> outcome) {
                held.incrementAndGet();
                try {
                    if (!handOut.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never let go");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of(function,
                    IntStream.range(0, tasks).boxed()).progress(ProgressReporter.none()).listener(holding).start()) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    // every answer thread held (a task that ended otherwise may hand its outcome out elsewhere: held too)
                    assertThat(held.get()).isGreaterThanOrEqualTo(ParallelizedCluster.ANSWER_THREAD_COUNT);
                    // a place freed before the outcome is handed out may let one more start per held thread
                    assertThat(ENTERED.get()).isBetween(inFlight, inFlight + ParallelizedCluster.ANSWER_THREAD_COUNT);
                    assertThat(submitter.lanes().waiting()).isZero();
                });
                check.run();
                handOut.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(tasks);
                check.run();
            } finally {
                handOut.countDown();
            }
        });
    }

    @Test
    void aBatchsAnswerFreesItsMembersPlaceBeforeItsOutcomesAreHandedOut() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        int threads = submitter.clusterThreads();
        // as if the members had measured "count" at 100 us a task: three batches per member thread in flight, two on
        // the member and one waiting here
        submitter.lanes().times("count").measured(10_000_000, 100);
        int inFlight = Lanes.defaultInFlight(threads, submitter.lanes().times("count"));
        int batch = inFlight / (Lanes.WINDOW_BATCHES * threads);
        assertThat(inFlight).isEqualTo(Lanes.MAX_PER_THREAD * threads);
        // the members get the batches that waited here as their answers arrive, while no outcome is handed out (the
        // run's window stays full): all of the window starts, far more than the two batches per member thread that the
        // members hold (2,048 here: all that started when a place was freed only once the answer thread had handed out
        // the batch's outcomes; 16 when the run's first tasks, sent alone while its window filled, kept their places
        // until then: one per place)
        assertThat(inFlight / batch).isGreaterThan(Lanes.DEPTH * threads);
        allOfTheWindowStartsWhileTheAnswerThreadsAreHeld(submitter, "count", 10_000, inFlight, () -> { });
    }

    @Test
    void aTaskSentAlonesAnswerFreesItsMembersPlaceBeforeItsOutcomeIsHandedOut() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        int threads = submitter.clusterThreads();
        // as if the members had measured "nap" at 5 ms a task (the most one answer counts; each naps 6 ms): every
        // task leaves alone, three per member thread in flight
        submitter.lanes().times("nap").measured(50_000_000, 10);
        assertThat(submitter.lanes().times("nap").isShort()).isFalse();
        int inFlight = Lanes.defaultInFlight(threads, submitter.lanes().times("nap"));
        assertThat(inFlight).isEqualTo(Lanes.WINDOW_BATCHES * threads);
        // all of the window starts while no outcome is handed out (16 when a task alone freed its place only on the
        // answer thread: the members' two places per thread, each held by an answer that waited behind the held
        // threads); no task travels in a batch
        allOfTheWindowStartsWhileTheAnswerThreadsAreHeld(submitter, "nap", 100, inFlight,
                () -> assertThat(submitter.lanes().batched()).isZero());
    }

    @Test
    void numThreadsSetByTheUserIsTheTasksInFlightExactly() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate",
                    IntStream.range(0, 100).boxed()).numThreads(5).progress(ProgressReporter.none()).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> ENTERED.get() == 5);
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(counts(run, submitter)).isEqualTo(counts(5, 5, 0)));
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(100);
            }
        });
        gate = new CountDownLatch(1);
        ENTERED.set(0);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("another-gate",
                    IntStream.range(0, 100).boxed()).numThreads(40).progress(ProgressReporter.none()).start()) {
                // 40 in flight: 8 running, 8 next in line on the members, 24 waiting here for them
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(counts(run, submitter)).isEqualTo(counts(40, 2 * POOL, 40 - 2 * 2 * POOL)));
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(100);
            }
        });
    }

    @Test
    void aMemberThatJoinsTakesItsShareOfTheTasksWaitingOnTheSubmitter() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.members.get(0));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate",
                    IntStream.range(0, 500).boxed()).progress(ProgressReporter.none()).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> ENTERED.get() == 2 * POOL);
                // no task ends while the gate is shut: the one that joins can only take tasks already in flight
                register(ParallelizedCluster.on(cluster.addMember()));
                int inFlight = Lanes.DEFAULT_DEPTH * 2 * POOL; // fixed at the start, spread over three now
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counts(run, submitter))
                        .isEqualTo(counts(inFlight, 3 * POOL, inFlight - 2 * 3 * POOL)));
                gate.countDown();
                assertThat(run.stream().filter(Outcome::isSuccess).count()).isEqualTo(500);
                ClusterRunStats stats = submitter.stats(run).orElseThrow();
                assertThat(stats.completedByMember()).hasSize(3);
                assertThat(stats.resubmissions()).isZero();
                assertThat(stats.submissions()).isEqualTo(500);
                assertThat(run.summary().resubmitted()).isZero();
            }
        });
    }

    @Test
    void aMemberWithFreeThreadsTakesOverTheTasksWaitingForOneWhoseThreadsAreAllTaken() {
        gatedMember = cluster.members.get(0).getName();
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate-on-one",
                    IntStream.range(0, 200).boxed()).progress(ProgressReporter.none()).start()) {
                // all 200 in flight, about half for each member; the gated one holds 2 per thread (tasks, or batches
                // once the other member's answers have told the task time), the rest of its share waits on the
                // submitter until the other member, whose tasks end at once, takes it over
                List<Outcome<Integer, Integer>> seen = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread reader = new Thread(() -> run.forEach(seen::add), "outcome-reader");
                reader.setDaemon(true);
                reader.start();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(ENTERED.get()).isEqualTo(POOL);
                    assertThat(submitter.lanes().waiting()).isZero();
                });
                // everything but what the gated member holds ends while its threads stay taken
                int[] last = {-1};
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> {
                    int now = seen.size();
                    boolean stable = now == last[0];
                    last[0] = now;
                    return stable;
                });
                int held = 200 - seen.size();
                assertThat(held).isBetween(POOL, 150);
                assertThat(seen).allMatch(Outcome::isSuccess);
                gate.countDown();
                reader.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(reader.isAlive()).isFalse();
                assertThat(seen).hasSize(200).allMatch(Outcome::isSuccess);
                // a task that moved before it left the submitter is neither a resubmission nor one more submission
                assertThat(submitter.stats(run).orElseThrow().resubmissions()).isZero();
                assertThat(submitter.stats(run).orElseThrow().submissions()).isEqualTo(200);
            }
        });
    }

    @Test
    void cancelAtTheDefaultsTakesBackWhatWaitsOnTheSubmitterAndEndsTheLoop() {
        ParallelizedCluster submitter = ParallelizedCluster.on(cluster.client());
        int threads = submitter.clusterThreads();
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("gate",
                    IntStream.range(0, 1_000).boxed()).progress(ProgressReporter.none()).start()) {
                int inFlight = Lanes.DEFAULT_DEPTH * threads;
                String expected = counts(inFlight, threads, inFlight - 2 * threads);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(counts(run, submitter)).isEqualTo(expected));
                run.cancel();
                run.forEach(outcomes::add); // the gate stays shut: the loop ends without any task ending by itself
            }
        });
        // every task in flight comes back cancelled; those waiting on the submitter were taken back, never sent
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(Lanes.DEFAULT_DEPTH * threads).allMatch(Outcome::isCancelled);
        // the run cancels their futures as it hands out their outcomes: the lanes empty just after
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(submitter.lanes().waiting()).isZero());
        gate.countDown();
        // at most the one next in line per member thread starts while the cancel broadcast travels (as in CancelTest)
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> ENTERED.get() <= 2 * threads);
    }

    @Test
    void theDefaultFollowsTheTaskTimeTheMembersMeasured() {
        Lanes.TaskTimes times = new Lanes.TaskTimes();
        assertThat(Lanes.defaultInFlight(24, times)).isEqualTo(24 * Lanes.DEFAULT_DEPTH);
        times.measured(20_000_000, 2); // 10 ms each: alone, two per thread on the members, one more here
        assertThat(Lanes.batchSize(times.nanos())).isOne();
        assertThat(times.isShort()).isFalse();
        assertThat(Lanes.defaultInFlight(24, times)).isEqualTo(24 * 3);
        Lanes.TaskTimes park = new Lanes.TaskTimes();
        park.measured(10_000_000, 100); // 100 us: batches of 32 ms (at most 256), at most 256 per thread in flight
        assertThat(Lanes.batchSize(park.nanos())).isEqualTo((int) Math.min(Lanes.MAX_BATCH,
                Lanes.BATCH_NANOS / 100_000));
        assertThat(Lanes.defaultInFlight(24, park)).isEqualTo(24 * Math.min(Lanes.MAX_PER_THREAD,
                3 * Lanes.batchSize(park.nanos())));
        // 3 ms tasks: a few together; 4 ms and more alone, and so the longest the capped mean counts
        assertThat(Lanes.batchSize(3_000_000)).isEqualTo((int) (Lanes.BATCH_NANOS / 3_000_000));
        assertThat(Lanes.batchSize(Lanes.ALONE_NANOS)).isOne();
        assertThat(Lanes.ALONE_NANOS).isLessThan(Lanes.SAMPLE_CAP_NANOS);
        assertThat(Lanes.defaultInFlight(24, times)).isEqualTo(24 * 3);
        Lanes.TaskTimes tiny = new Lanes.TaskTimes();
        tiny.measured(5_000, 5); // 1 us: the largest batches
        assertThat(tiny.isShort()).isTrue();
        assertThat(Lanes.defaultInFlight(24, tiny)).isEqualTo(24 * Lanes.MAX_PER_THREAD);
        assertThat(Lanes.defaultInFlight(100_000, tiny)).isEqualTo(Parallelized.MAX_VIRTUAL_THREADS);
        // one batch that ran long (its thread descheduled on a busy member) moves the mean by an eighth of the gap
        // only, so the next batches stay large; a shorter one pulls it down by a quarter
        park.measured(100 * Lanes.SAMPLE_CAP_NANOS, 1);
        assertThat(park.nanos()).isEqualTo(100_000 + (Lanes.SAMPLE_CAP_NANOS - 100_000) / 8);
        assertThat(park.isShort()).isTrue();
        long high = park.nanos();
        park.measured(100_000, 1);
        assertThat(park.nanos()).isEqualTo(high - (high - 100_000) / 4);
    }

    @Test
    void theLastBatchesOfARunOfKnownSizeShrinkToTheirShareOfWhatIsLeft() {
        int batch = Lanes.batchSize(100_000); // 100 us tasks
        assertThat(Lanes.atTheEnd(batch, -1, 24, 100_000)).isEqualTo(batch); // size unknown: full batches
        assertThat(Lanes.atTheEnd(batch, 20_000, 24, 100_000)).isEqualTo(batch); // far from the end
        assertThat(Lanes.atTheEnd(batch, 24 * 50, 24, 100_000)).isEqualTo(50); // one thread's share of what is left
        assertThat(Lanes.atTheEnd(batch, 24 * 50 + 1, 24, 100_000)).isEqualTo(51);
        // never below about 1 ms of work, nor below one task
        assertThat(Lanes.atTheEnd(batch, 24, 24, 100_000)).isEqualTo(Lanes.minBatchSize(100_000)).isEqualTo(10);
        assertThat(Lanes.atTheEnd(batch, 0, 24, 100_000)).isEqualTo(10);
        assertThat(Lanes.atTheEnd(1, 0, 24, 10_000_000)).isOne();
        assertThat(Lanes.atTheEnd(10, 0, 24, 3_000_000)).isOne();
        Lanes.Left left = new Lanes.Left();
        assertThat(left.get()).isNegative();
        left.sent(10);
        assertThat(left.get()).isNegative(); // unknown stays unknown
        left.total(1_000);
        left.sent(10);
        assertThat(left.get()).isEqualTo(990);
    }

    @Test
    void aRunsStartCountsTheTasksInFlightOfTheFunctionsLastRunUntilItsFirstAnswer() {
        Lanes.TaskTimes times = new Lanes.TaskTimes();
        Lanes.Left first = new Lanes.Left(times);
        assertThat(first.started()).isZero(); // a function never run: nothing to count on
        for (int i = 0; i < 6_144; i++) {
            first.queued();
        }
        first.ended(128, false); // taken back or moved: not an answer
        assertThat(first.started()).isZero();
        first.ended(128, true);
        assertThat(first.started()).isZero(); // answered: the run's own tasks in flight count from now on
        // the next run of the function counts on the last one's window until its own first answer
        Lanes.Left next = new Lanes.Left(times);
        next.queued();
        assertThat(next.started()).isEqualTo(6_144);
        next.ended(1, true);
        assertThat(next.started()).isZero();
        // a run with a smaller window teaches it to the one after
        assertThat(new Lanes.Left(times).started()).isOne();
    }

    @Test
    void theLastTasksOfARunLeaveAsSoonAsTheyAllWaitOnTheSubmitter() {
        Lanes.Lane lane = new Lanes.Lane(null, new MemberLoads.Load());
        lane.load.poolSize(8);
        long task = 250_000; // 128 to a batch
        int batch = Lanes.batchSize(task);
        assertThat(batch).isEqualTo(128);
        int min = Lanes.minBatchSize(task);
        // enough waiting: a full batch
        assertThat(lane.nextBatch(4, 500, task, 128, -1, 24)).isEqualTo(batch);
        // fewer than a batch, and at least half the member's threads have one: it waits for more, so that batches do
        // not shrink to a few tasks each
        assertThat(lane.nextBatch(4, 100, task, 128, -1, 24)).isZero();
        assertThat(lane.nextBatch(4, 100, task, 128, 20_000, 24)).isZero();
        // fewer batches than half the member's threads: whatever waits leaves
        assertThat(lane.nextBatch(3, 2, task, 128, -1, 24)).isEqualTo(batch);
        // the run's last tasks, all waiting here, leave however few: no more will come to fill a batch
        assertThat(lane.nextBatch(6, 2, task, 128, 2, 24)).isEqualTo(min);
        assertThat(lane.nextBatch(6, 2, task, 128, 3, 24)).isZero(); // one is still to come
        assertThat(lane.nextBatch(16, 2, task, 128, 2, 24)).isZero(); // but not past two per member thread
    }
}
