package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/** The contract on three members in this JVM: same outcomes as a local run, failures per input with clear messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterContractTest {

    private TestCluster cluster;
    private ParallelizedCluster submitter;

    @BeforeAll
    void start() {
        cluster = new TestCluster(3, 4);
        cluster.members.forEach(m -> Functions.registerAll(ParallelizedCluster.on(m)));
        submitter = ParallelizedCluster.on(cluster.members.get(0));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private <I, R> List<Outcome<I, R>> runAll(Parallelized.Builder<I, R> builder) {
        List<Outcome<I, R>> outcomes = new ArrayList<>();
        try (Parallelized<I, R> run = builder.progress(ProgressReporter.none()).start()) {
            run.forEach(outcomes::add);
        }
        return outcomes;
    }

    @Test
    void everyInputGetsItsResultFromSomeMemberAndAllMembersWork() {
        List<Integer> inputs = IntStream.range(0, 300).boxed().toList();
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        ClusterRunStats stats;
        try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("square", inputs)
                .progress(ProgressReporter.none()).start()) {
            run.forEach(outcomes::add);
            assertThat(run.summary().succeeded()).isEqualTo(300);
            stats = submitter.stats(run).orElseThrow();
        }
        assertThat(outcomes).hasSize(300).allMatch(Outcome::isSuccess)
                .allMatch(o -> o.result() == o.input() * o.input());
        assertThat(outcomes).extracting(Outcome::input).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(stats.function()).isEqualTo("square");
        assertThat(stats.submissions()).isEqualTo(300);
        assertThat(stats.resubmissions()).isZero();
        assertThat(stats.completedByMember()).hasSize(3);
        assertThat(stats.completedByMember().values()).allMatch(n -> n > 0);
    }

    private static void awaitGo(java.util.concurrent.CountDownLatch go) throws InterruptedException {
        if (!go.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the racers were not released within 10 s");
        }
    }

    @org.junit.jupiter.api.RepeatedTest(10)
    void cancelRacingCloseRacingAnswersLosesNothingAndHangsNothing() throws Exception {
        // short and long tasks mixed, so that answers, batches and the sender thread are all busy when the run stops
        List<Integer> inputs = IntStream.range(0, 600).map(i -> i % 5 == 0 ? 20 : 0).boxed().toList();
        java.util.concurrent.ExecutorService racer = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("sleep", inputs).numThreads(96)
                        .progress(ProgressReporter.none()).start();
                int outcomes = 0;
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<?> cancel = racer.submit(() -> {
                    awaitGo(go);
                    run.cancel();
                    return null;
                });
                java.util.concurrent.Future<?> close = racer.submit(() -> {
                    awaitGo(go);
                    run.close();
                    return null;
                });
                try {
                    for (Outcome<Integer, Integer> outcome : run) {
                        outcomes++;
                        if (outcomes == 50) {
                            go.countDown();
                        }
                    }
                } catch (java.util.concurrent.CancellationException closedFirst) {
                    // close() won: the loop ends saying how many inputs taken up have no outcome (close() waits for
                    // no task), never as if the run were complete (the Javadoc of close())
                    assertThat(closedFirst).hasMessageContaining("taken up have no outcome");
                }
                go.countDown();
                cancel.get(10, java.util.concurrent.TimeUnit.SECONDS);
                close.get(10, java.util.concurrent.TimeUnit.SECONDS);
                run.close();
                assertThat(outcomes).isBetween(50, 600);
                // a close() ends the loop: outcomes made and not read yet count in the summary, not in the loop
                assertThat(run.summary().succeeded() + run.summary().failed() + run.summary().cancelled())
                        .isBetween((long) outcomes, 600L);
                assertThat(run.summary().failed()).isZero();
            });
        } finally {
            racer.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.members.stream()
                .mapToInt(m -> ParallelizedCluster.on(m).memberSide().runningTasks()).sum() == 0);
    }

    @Test
    void tasksInFlightHoldNoSubmitterThreadEach() {
        // 200 tasks of 100 ms in flight (12 member threads: most wait in the members' queues), started by a loop per
        // processor: a run that held a thread per task in flight would show about 200 of them
        try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("sleep",
                Collections.nCopies(400, 100)).numThreads(200).progress(ProgressReporter.none()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> run.progress().snapshot().running() == 200);
            long runThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("parallelized-cluster-" + run.id() + "-")).count();
            assertThat(runThreads).isBetween(1L, (long) Runtime.getRuntime().availableProcessors());
            run.cancel();
            run.forEach(o -> { });
        }
    }

    @Test
    void moreTasksInFlightThanMemberThreadsTravelInBatchesAndEachInputStillGetsOneOutcome() {
        long batchedBefore = submitter.lanes().batched();
        List<Outcome<Integer, Integer>> outcomes = runAll(submitter.<Integer, Integer>of("square",
                IntStream.range(0, 3_000).boxed()).numThreads(8 * 12));
        assertThat(outcomes).hasSize(3_000).allMatch(o -> o.isSuccess() && o.result() == o.input() * o.input());
        assertThat(outcomes).extracting(Outcome::input).doesNotHaveDuplicates();
        assertThat(submitter.lanes().batched()).isGreaterThan(batchedBefore);
    }

    @Test
    void theDefaultNumberInFlightIsTheMembersPoolSizesAddedUp() {
        assertThat(submitter.clusterThreads()).isEqualTo(3 * 4);
    }

    @Test
    void theOptionsOfTheCoreKeepTheirMeaning() {
        List<Outcome<Integer, Integer>> ordered = runAll(submitter.<Integer, Integer>of("square",
                IntStream.range(0, 100).boxed()).ordered().maxInFlight(10));
        assertThat(ordered).extracting(Outcome::input).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void aTimeoutFailsTheTaskAndInterruptsItOnItsMember() {
        int finishedBefore = Functions.FINISHED.get();
        List<Outcome<Integer, Integer>> outcomes = runAll(submitter.<Integer, Integer>of("sleep", List.of(10_000, 1))
                .timeout(Duration.ofMillis(300)));
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o.input() == 10_000).singleElement()
                .satisfies(o -> assertThat(o.error()).isInstanceOf(java.util.concurrent.TimeoutException.class));
        assertThat(outcomes).filteredOn(o -> o.input() == 1).singleElement().satisfies(o -> assertThat(o.result()).isOne());
        // the 10 s task does not keep its member's thread: the cancel reached it
        await().atMost(Duration.ofSeconds(5)).until(() -> Functions.FINISHED.get() - finishedBefore == 2);
    }

    /**
     * Runs {@code function} over 300 copies of {@code input} until the submitter takes its tasks for short: at once on
     * an idle machine, after a few runs on a busy one, where a member thread is sometimes descheduled mid-task.
     */
    private void learnShort(String function, int input) {
        for (int run = 0; run < 20 && !submitter.lanes().times(function).isShort(); run++) {
            runAll(submitter.<Integer, Integer>of(function, Collections.nCopies(300, input)).numThreads(48));
        }
        assertThat(submitter.lanes().times(function).isShort()).as(function + " learnt as short").isTrue();
    }

    @Test
    void howTasksTravelIsLearntPerFunctionNotCarriedOverFromAnother() {
        learnShort("square", 1);
        // a function never run before is not taken for short because another one is: its first tasks go out at once,
        // one per free member thread, and a batch of them runs side by side
        assertThat(submitter.lanes().times("never-run").isShort()).isFalse();
        runAll(submitter.<Integer, Integer>of("sleep", Collections.nCopies(24, 50)).numThreads(24));
        assertThat(submitter.lanes().times("sleep").isShort()).isFalse();
    }

    @Test
    void aTimeoutStopsATaskThatTravelledInABatchOnItsMember() throws Exception {
        // what a worker whose task timed out sends (RemoteTask -> ClusterRun.interrupted): "cancel task N of run X" to
        // the member that has it; here for a batch of two long tasks, the first running, the second behind it
        HazelcastInstance member = cluster.members.get(1);
        UUID run = UUID.randomUUID();
        byte[] input = TaskResult.bytes(submitter.serialization(), 30_000);
        TaskBatch batch = new TaskBatch(List.of(new TaskEnvelope(run, 0, submitter.localUuid(), "sleep", "", input),
                new TaskEnvelope(run, 1, submitter.localUuid(), "sleep", "", input)));
        int startedBefore = Functions.STARTED.get();
        int finishedBefore = Functions.FINISHED.get();
        java.util.concurrent.Future<TaskBatch.Results> answer = submitter.taskExecutor().submitToMember(batch,
                member.getCluster().getLocalMember());
        await().atMost(Duration.ofSeconds(10)).until(() -> Functions.STARTED.get() - startedBefore == 1);
        // the waiting one first, each cancel arrived before the next is sent (apart, they may arrive in either order)
        MemberSide side = ParallelizedCluster.on(member).memberSide();
        for (long task = 1; task >= 0; task--) {
            long cancelled = task;
            submitter.controlExecutor().executeOnMember(new CancelRun(run, cancelled), member.getCluster().getLocalMember());
            await().atMost(Duration.ofSeconds(10)).until(() -> side.isCancelled(run, cancelled));
        }
        TaskBatch.Results results = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // the running one was interrupted, the one behind it never started: the batch's thread is free at once
        assertThat(results.results.get(0).kind).isEqualTo(TaskResult.FAILURE);
        assertThat(results.results.get(1).kind).isEqualTo(TaskResult.CANCELLED_BEFORE_START);
        assertThat(Functions.STARTED.get() - startedBefore).isOne();
        await().atMost(Duration.ofSeconds(5)).until(() -> Functions.FINISHED.get() - finishedBefore == 1);
        assertThat(ParallelizedCluster.on(member).memberSide().runningTasks()).isZero();
    }

    @Test
    void retryKeepsItsMeaningOnTheCluster() {
        List<Outcome<Integer, Object>> outcomes = runAll(submitter.<Integer, Object>of("throw", List.of(1, 2))
                .retry(3, Duration.ZERO));
        assertThat(outcomes).hasSize(2).allSatisfy(o -> {
            assertThat(o.attempts()).isEqualTo(3);
            assertThat(o.error()).isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void anUnknownNameFailsEachInputWithAMessageNamingIt() {
        List<Outcome<Integer, Object>> outcomes = runAll(submitter.<Integer, Object>of("no-such-task", List.of(1, 2, 3)));
        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o.error())
                .isInstanceOf(ClusterTaskException.class)
                .hasMessageContaining("No cluster task named 'no-such-task' is registered on member")
                .hasMessageContaining("square"));
    }

    /** register is generic: a typed lambda, and a plain one with its types named, compile without a cast. */
    @Test
    void plainLambdasRegisterWithoutACast() {
        cluster.members.forEach(m -> ParallelizedCluster.on(m)
                .register("double", (Integer x) -> x * 2)
                .<Integer, Integer>register("triple", x -> x * 3));
        try {
            assertThat(runAll(submitter.<Integer, Integer>of("double", List.of(1, 2, 3))))
                    .extracting(Outcome::result).containsExactlyInAnyOrder(2, 4, 6);
            assertThat(runAll(submitter.<Integer, Integer>of("triple", List.of(1, 2, 3))))
                    .extracting(Outcome::result).containsExactlyInAnyOrder(3, 6, 9);
        } finally {
            cluster.members.forEach(m -> {
                ParallelizedCluster.on(m).unregister("double");
                ParallelizedCluster.on(m).unregister("triple");
            });
        }
    }

    @Test
    void aMemberWithAnotherVersionFailsLoudly() {
        ParallelizedCluster.on(cluster.members.get(0)).register("versioned", "2", (Integer x) -> x);
        ParallelizedCluster.on(cluster.members.get(1)).register("versioned", "1", (Integer x) -> x);
        ParallelizedCluster.on(cluster.members.get(2)).register("versioned", "1", (Integer x) -> x);
        try {
            List<Outcome<Integer, Integer>> outcomes = runAll(submitter.<Integer, Integer>of("versioned",
                    IntStream.range(0, 60).boxed()));
            assertThat(outcomes).hasSize(60).filteredOn(o -> !o.isSuccess()).isNotEmpty().allSatisfy(o ->
                    assertThat(o.error()).isInstanceOf(ClusterTaskException.class)
                            .hasMessageContaining("has version 1 on member")
                            .hasMessageContaining("but version 2 on the submitter"));
        } finally {
            cluster.members.forEach(m -> ParallelizedCluster.on(m).unregister("versioned"));
        }
    }

    @Test
    void anInputThatCannotBeSerializedFailsOnlyItself() {
        List<Object> inputs = List.of(1, new Object(), new Functions.Box(3));
        List<Outcome<Object, Object>> outcomes = runAll(submitter.<Object, Object>of("identity", inputs));
        assertThat(outcomes).hasSize(3);
        assertThat(outcomes).filteredOn(Outcome::isSuccess).extracting(Outcome::result)
                .containsExactlyInAnyOrder(1, new Functions.Box(3));
        assertThat(outcomes).filteredOn(o -> !o.isSuccess()).singleElement().satisfies(o ->
                assertThat(o.error()).isInstanceOf(ClusterTaskException.class)
                        .hasMessageContaining("The input of cluster task 'identity' (java.lang.Object) cannot be"
                                + " serialized by Hazelcast: make it Serializable, Compact or give it a serializer"));
    }

    @Test
    void aResultThatCannotBeSerializedFailsItsInput() {
        List<Outcome<Integer, Object>> outcomes = runAll(submitter.<Integer, Object>of("unserializable-result",
                List.of(1, 2)));
        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o.error())
                .isInstanceOf(ClusterTaskException.class)
                .hasMessageContaining("The result of cluster task 'unserializable-result' on member")
                .hasMessageContaining("(java.lang.Object) cannot be serialized by Hazelcast"));
    }

    @Test
    void whatTheFunctionThrowsArrivesUnchangedWhenItCanTravel() {
        List<Outcome<Integer, Object>> thrown = runAll(submitter.<Integer, Object>of("throw", List.of(7)));
        assertThat(thrown).singleElement().satisfies(o -> assertThat(o.error())
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad 7"));
        List<Outcome<Integer, Object>> errors = runAll(submitter.<Integer, Object>of("error", List.of(8)));
        assertThat(errors).singleElement().satisfies(o -> assertThat(o.error())
                .isExactlyInstanceOf(AssertionError.class).hasMessage("error 8"));
        List<Outcome<Integer, Object>> stuck = runAll(submitter.<Integer, Object>of("throw-unserializable", List.of(9)));
        assertThat(stuck).singleElement().satisfies(o -> assertThat(o.error())
                .isExactlyInstanceOf(ClusterTaskException.class)
                .hasMessageContaining(Functions.UnserializableException.class.getName() + ": cannot travel 9")
                .hasMessageContaining("the exception itself cannot be serialized"));
    }

    @Test
    void badArgumentsAreRefusedWithMessagesNamingThem() {
        ParallelizedCluster view = ParallelizedCluster.on(cluster.members.get(1));
        assertThatThrownBy(() -> ParallelizedCluster.on(null)).hasMessage("hazelcast");
        assertThatThrownBy(() -> view.register(null, x -> x)).hasMessage("name");
        assertThatThrownBy(() -> view.register("f", null)).hasMessage("function");
        assertThatThrownBy(() -> view.register(" ", x -> x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must be 1 to 200 characters and not blank");
        assertThatThrownBy(() -> view.register("f", " ", x -> x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version must not be blank");
        assertThatThrownBy(() -> view.register("square", x -> x)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("A cluster task named 'square' is already registered");
        assertThatThrownBy(() -> view.of(null, List.of())).hasMessage("name");
        assertThatThrownBy(() -> view.of("square", (List<Integer>) null)).hasMessage("tasks");
    }

    @Test
    void onReturnsOneViewPerInstance() {
        assertThat(ParallelizedCluster.on(cluster.members.get(2))).isSameAs(ParallelizedCluster.on(cluster.members.get(2)));
    }

    @Test
    void theVersionOfALambdaIsTheHashOfTheClassThatWroteIt() {
        String a = CodeVersion.of((io.github.parallelized.TaskFunction<Integer, Integer>) x -> x);
        String b = CodeVersion.of((io.github.parallelized.TaskFunction<Integer, Integer>) x -> x + 1);
        assertThat(a).hasSize(12).isEqualTo(b);
        assertThat(CodeVersion.of(new Object())).hasSize(12).isNotEqualTo(a);
    }

    @Test
    void aRunStaysWithinItsNumberOfTasksInFlight() {
        List<Outcome<Integer, Integer>> outcomes = runAll(submitter.<Integer, Integer>of("sleep",
                IntStream.range(0, 40).mapToObj(i -> 5)).numThreads(2));
        assertThat(outcomes).hasSize(40).allMatch(Outcome::isSuccess);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.members.stream()
                .mapToInt(m -> ParallelizedCluster.on(m).memberSide().runningTasks()).sum() == 0);
    }
}
