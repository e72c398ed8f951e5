package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;

/**
 * Named runs in one JVM (two members, a client): the record, the lease that keeps a second submitter out, orphaning
 * (a member that leaves, a client whose heartbeat stops), resume, forget, a lost lease, bad arguments. The real crash
 * (kill -9 of a submitter JVM) is {@link TakeoverKillTest}.
 */
class NamedRunTest {

    static TestCluster cluster;
    static ParallelizedCluster first;
    static ParallelizedCluster second;
    static final Set<Integer> RAN = ConcurrentHashMap.newKeySet();
    static final AtomicInteger EXECUTIONS = new AtomicInteger();
    static final List<Integer> INPUTS = IntStream.range(0, 200).boxed().toList();
    static final Function<Integer, String> KEY = String::valueOf;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(2, 4);
        first = ParallelizedCluster.on(cluster.members.get(0));
        second = ParallelizedCluster.on(cluster.members.get(1));
        for (ParallelizedCluster view : List.of(first, second)) {
            view.register("named-work", (Integer i) -> {
                EXECUTIONS.incrementAndGet();
                RAN.add(i);
                return i;
            });
            view.register("other-work", (Integer i) -> i);
            view.register("slow-work", (Integer i) -> {
                Thread.sleep(10);
                return i;
            });
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String name() {
        return "named-" + UUID.randomUUID();
    }

    private static Summary consume(Parallelized.Builder<Integer, Integer> builder) {
        try (Parallelized<Integer, Integer> run = builder.progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> ignored : run) {
                // consume
            }
            return run.summary();
        }
    }

    @Test
    void aNamedRunIsRecordedFinishedAndResumedBySkippingWhatSucceeded() {
        String name = name();
        Summary done = consume(first.<Integer, Integer>resumable(name, "named-work", INPUTS, KEY));
        assertThat(done.succeeded()).isEqualTo(200);
        assertThat(done.description()).isEqualTo(name);
        NamedRun run = second.namedRun(name).orElseThrow();
        assertThat(run.state()).isEqualTo(NamedRun.State.FINISHED);
        assertThat(run.isResumable()).isTrue();
        assertThat(run.function()).isEqualTo("named-work");
        assertThat(run.submitter()).startsWith("member 127.0.0.1:").contains("pid " + ProcessHandle.current().pid());
        assertThat(run.updated()).isAfterOrEqualTo(run.started());
        assertThat(run.takeovers()).isZero();
        assertThat(second.namedRuns()).contains(run);
        assertThat(second.orphanedRuns()).extracting(NamedRun::name).doesNotContain(name);
        assertThat(first.checkpointStore().succeeded(name)).isEqualTo(200);

        // resumed from the other member, with the function from the record: everything is skipped
        Summary again = consume(second.<Integer, Integer>resume(name, Stream.concat(INPUTS.stream(), Stream.of(777)), KEY));
        assertThat(again.skipped()).isEqualTo(200);
        assertThat(again.succeeded()).isEqualTo(1);
        assertThat(first.namedRun(name).orElseThrow().state()).isEqualTo(NamedRun.State.FINISHED);
    }

    @Test
    void aSecondSubmitterIsRefusedWhileTheFirstHoldsTheRunNamingIt() {
        String name = name();
        Parallelized.Builder<Integer, Integer> claimed = first.resumable(name, "named-work", INPUTS, KEY);
        assertThat(first.namedRun(name).orElseThrow().state()).isEqualTo(NamedRun.State.RUNNING);
        assertThatThrownBy(() -> second.resumable(name, "named-work", INPUTS, KEY))
                .isInstanceOf(RunInProgressException.class)
                .hasMessageContaining("Run '" + name + "' is running on member 127.0.0.1:")
                .satisfies(e -> assertThat(((RunInProgressException) e).holder().state())
                        .isEqualTo(NamedRun.State.RUNNING));
        assertThatThrownBy(() -> second.resume(name, INPUTS, KEY)).isInstanceOf(RunInProgressException.class);
        assertThatThrownBy(() -> first.resume(name, INPUTS, KEY))
                .as("the same view is a second submitter too").isInstanceOf(RunInProgressException.class);
        assertThatThrownBy(() -> second.forget(name)).isInstanceOf(RunInProgressException.class)
                .hasMessageContaining(name);
        consume(claimed);
        assertThat(consume(second.<Integer, Integer>resume(name, INPUTS, KEY)).skipped()).isEqualTo(200);
    }

    @Test
    void aStoppedRunIsResumableAndForgetClearsItsCheckpoint() {
        String name = name();
        try (Parallelized<Integer, Integer> run = first.<Integer, Integer>resumable(name, "slow-work", INPUTS, KEY)
                .numThreads(2).progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Integer, Integer>> outcomes = run.iterator();
            outcomes.next();
            run.cancel();
            outcomes.forEachRemaining(o -> { });
        }
        assertThat(second.namedRun(name).orElseThrow().state()).isEqualTo(NamedRun.State.STOPPED);
        Summary resumed = consume(second.<Integer, Integer>resume(name, INPUTS, KEY));
        assertThat(resumed.skipped()).isPositive();
        assertThat(resumed.skipped() + resumed.succeeded()).isEqualTo(200);
        assertThat(second.namedRun(name).orElseThrow().takeovers()).isOne();

        assertThat(second.forget(name)).isTrue();
        assertThat(first.namedRun(name)).isEmpty();
        assertThat(first.checkpointStore().succeeded(name)).isZero();
        assertThat(second.forget(name)).isFalse();
        assertThatThrownBy(() -> second.resume(name, INPUTS, KEY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runName '" + name + "': no such named run");
    }

    @Test
    void aRunOfAMemberThatLeavesIsOrphanedAndTakenOver() {
        String name = name();
        HazelcastInstance lite = cluster.liteMember();
        ParallelizedCluster leaving = ParallelizedCluster.on(lite);
        // claimed and never started: only the member's departure orphans it before its lease
        leaving.<Integer, Integer>resumable(name, "named-work", INPUTS, KEY);
        assertThatThrownBy(() -> first.resume(name, INPUTS, KEY)).isInstanceOf(RunInProgressException.class);
        lite.getLifecycleService().terminate();
        // a member's own threads may throw about the terminated one (not this library's): the wait does not fail on it
        await().atMost(Duration.ofSeconds(10)).dontCatchUncaughtExceptions()
                .untilAsserted(() -> assertThat(first.orphanedRuns()).extracting(NamedRun::name).contains(name));
        Summary taken = consume(first.<Integer, Integer>resume(name, INPUTS, KEY));
        assertThat(taken.succeeded()).isEqualTo(200);
        NamedRun after = second.namedRun(name).orElseThrow();
        assertThat(after.state()).isEqualTo(NamedRun.State.FINISHED);
        assertThat(after.takeovers()).isOne();
    }

    @Test
    void aClientWhoseHeartbeatStopsIsOrphanedAfterItsLease() {
        String name = name();
        HazelcastInstance client = cluster.client();
        ParallelizedCluster view = ParallelizedCluster.on(client).runLease(Duration.ofSeconds(1));
        try (Parallelized<Integer, Integer> run = view.<Integer, Integer>resumable(name, "slow-work", INPUTS, KEY)
                .numThreads(2).progress(ProgressReporter.none()).start()) {
            run.iterator().next();
            assertThat(first.namedRun(name).orElseThrow().state()).isEqualTo(NamedRun.State.RUNNING);
            client.getLifecycleService().terminate(); // no goodbye: its heartbeat just stops
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(first.namedRun(name).orElseThrow()
                    .state()).isEqualTo(NamedRun.State.ORPHANED));
        }
        assertThat(first.namedRun(name).orElseThrow().submitter()).startsWith("client ");
    }

    @Test
    void aSubmitterThatLostItsLeaseCancelsItsRun() {
        String name = name();
        first.runLease(Duration.ofSeconds(1));
        try (Parallelized<Integer, Integer> run = first.<Integer, Integer>resumable(name, "slow-work",
                IntStream.range(0, 1_000).boxed().toList(), KEY).numThreads(2).progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Integer, Integer>> outcomes = run.iterator();
            outcomes.next();
            // another submitter took the run while this one was frozen (simulated: its record is replaced)
            RunRecord theirs = new RunRecord("slow-work", UUID.randomUUID(), UUID.randomUUID(), false, "client elsewhere",
                    60_000, RunRecord.RUNNING, System.currentTimeMillis(), System.currentTimeMillis(), 1);
            cluster.members.get(1).<String, RunRecord>getMap(ParallelizedCluster.RUNS_MAP).put(name, theirs);
            await().atMost(Duration.ofSeconds(10)).until(run::isCancelled);
            outcomes.forEachRemaining(o -> { });
            assertThat(run.summary().state()).isEqualTo(RunState.CANCELLED);
        } finally {
            first.runLease(ParallelizedCluster.DEFAULT_RUN_LEASE);
        }
        NamedRun now = second.namedRun(name).orElseThrow();
        assertThat(now.submitter()).isEqualTo("client elsewhere");
        assertThat(now.state()).isEqualTo(NamedRun.State.RUNNING);
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> first.resumable(null, "named-work", INPUTS, KEY))
                .isInstanceOf(NullPointerException.class).hasMessage("runName");
        assertThatThrownBy(() -> first.resumable(" ", "named-work", INPUTS, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runName");
        assertThatThrownBy(() -> first.resumable("x".repeat(201), "named-work", INPUTS, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runName");
        // no run can have such a name: asking for one, or forgetting one, is a mistake to say, not an empty answer
        assertThatThrownBy(() -> first.namedRun(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runName must be 1 to 200 characters and not blank, was ' '");
        assertThatThrownBy(() -> first.forget("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runName must be 1 to 200 characters and not blank, was ''");
        assertThatThrownBy(() -> first.namedRun("x".repeat(201))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("runName must be 1 to 200 characters");
        assertThatThrownBy(() -> first.namedRun(null)).isInstanceOf(NullPointerException.class).hasMessage("runName");
        assertThatThrownBy(() -> first.resumable("n", null, INPUTS, KEY))
                .isInstanceOf(NullPointerException.class).hasMessage("function");
        assertThatThrownBy(() -> first.resumable("n", "", INPUTS, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("function");
        assertThatThrownBy(() -> first.resumable("n", "named-work", (Iterable<Integer>) null, KEY))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> first.resumable("n", "named-work", INPUTS, null))
                .isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> first.resume("n", (Stream<Integer>) null, KEY))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> first.resume(null, INPUTS, KEY))
                .isInstanceOf(NullPointerException.class).hasMessage("runName");
        assertThatThrownBy(() -> first.namedRun(null)).isInstanceOf(NullPointerException.class).hasMessage("runName");
        assertThatThrownBy(() -> first.forget(null)).isInstanceOf(NullPointerException.class).hasMessage("runName");
        assertThatThrownBy(() -> first.runLease(null)).isInstanceOf(NullPointerException.class).hasMessage("lease");
        assertThatThrownBy(() -> first.runLease(Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThat(first.namedRun("n")).isEmpty();
        // was ArithmeticException("long overflow"), naming nothing
        assertThatThrownBy(() -> first.runLease(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be at most");
        assertThatThrownBy(() -> first.runLease(Duration.ofMillis(Long.MAX_VALUE).plusNanos(1_000_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be at most");

        String name = name();
        consume(first.<Integer, Integer>resumable(name, "named-work", INPUTS, KEY));
        assertThatThrownBy(() -> first.resumable(name, "other-work", INPUTS, KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("function 'other-work': run '" + name + "' applies 'named-work'");
    }
}
