package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * {@link ClusterRunStats#members()}: per data member, the run's tasks it runs now, has completed and lost, counted
 * by the submitter (a lite member here, so that it runs none itself), on two data members of 2 executor threads.
 */
class MemberStatsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Holds the tasks of "held" on the members until opened. */
    private static volatile CountDownLatch gate = new CountDownLatch(0);

    private TestCluster cluster;
    private ParallelizedCluster submitter;

    @BeforeEach
    void start() {
        gate = new CountDownLatch(1);
        cluster = new TestCluster(2, 2);
        cluster.members.forEach(m -> register(ParallelizedCluster.on(m)));
        submitter = register(ParallelizedCluster.on(cluster.liteMember()));
    }

    @AfterEach
    void stop() {
        gate.countDown();
        cluster.close();
    }

    private static ParallelizedCluster register(ParallelizedCluster view) {
        return view.register("held", (Integer x) -> {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate was not opened in 30 s");
            }
            return x;
        });
    }

    private UUID uuid(HazelcastInstance member) {
        return member.getCluster().getLocalMember().getUuid();
    }

    @Test
    void eachMemberShowsTheTasksItRunsAndThoseItCompleted() {
        try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("held",
                IntStream.range(0, 20).boxed().toList()).numThreads(4).progress(ProgressReporter.none()).start()) {
            await().atMost(WAIT).untilAsserted(() -> {
                ClusterRunStats stats = submitter.stats(run).orElseThrow();
                assertThat(stats.members()).extracting(ClusterMemberStats::uuid)
                        .containsExactlyInAnyOrder(uuid(cluster.members.get(0)), uuid(cluster.members.get(1)));
                // 4 in flight on 2 x 2 threads: each member has some (the pick balances them, about 2 each)
                assertThat(stats.members()).allMatch(m -> m.running() > 0 && m.completed() == 0 && !m.left());
                assertThat(stats.members().stream().mapToLong(ClusterMemberStats::running).sum()).isEqualTo(4);
            });
            gate.countDown();
            List<Outcome<Integer, Integer>> outcomes = run.stream().toList();
            assertThat(outcomes).hasSize(20).allMatch(Outcome::isSuccess);

            ClusterRunStats stats = submitter.stats(run).orElseThrow();
            assertThat(stats.members()).hasSize(2).allSatisfy(member -> {
                assertThat(member.running()).isZero();
                assertThat(member.completed()).isPositive();
                assertThat(member.resubmissions()).isZero();
                assertThat(member.left()).isFalse();
                assertThat(member.address()).startsWith("127.0.0.1:");
                assertThat(stats.completedByMember()).containsEntry(member.address(), member.completed());
            });
            assertThat(stats.members().stream().mapToLong(ClusterMemberStats::completed).sum()).isEqualTo(20);
        }
    }

    @Test
    void aMemberThatLeftShowsTheTasksSentAgainFromIt() {
        HazelcastInstance victim = cluster.members.get(1);
        UUID victimId = uuid(victim);
        try (Parallelized<Integer, Integer> run = submitter.<Integer, Integer>of("held",
                IntStream.range(0, 20).boxed().toList()).numThreads(4).progress(ProgressReporter.none()).start()) {
            await().atMost(WAIT).until(() -> submitter.stats(run).orElseThrow().members().stream()
                    .mapToLong(ClusterMemberStats::running).sum() == 4);
            long onVictim = submitter.stats(run).orElseThrow().members().stream()
                    .filter(m -> m.uuid().equals(victimId)).findFirst().orElseThrow().running();
            assertThat(onVictim).as("tasks held on the victim").isPositive();
            victim.getLifecycleService().terminate();

            // the victim's executor threads, interrupted, fail to answer on their dead instance: not this test's matter
            await().atMost(WAIT).dontCatchUncaughtExceptions().untilAsserted(() -> {
                ClusterRunStats stats = submitter.stats(run).orElseThrow();
                assertThat(stats.members()).filteredOn(m -> m.uuid().equals(victimId)).singleElement()
                        .satisfies(lost -> {
                            assertThat(lost.left()).isTrue();
                            assertThat(lost.running()).isZero();
                            assertThat(lost.resubmissions()).isEqualTo(onVictim);
                        });
                assertThat(stats.resubmissions()).isEqualTo(onVictim);
            });
            gate.countDown();
            assertThat(run.stream().toList()).hasSize(20).allMatch(Outcome::isSuccess);

            ClusterRunStats stats = submitter.stats(run).orElseThrow();
            assertThat(stats.members()).filteredOn(m -> !m.left()).singleElement().satisfies(survivor -> {
                assertThat(survivor.uuid()).isEqualTo(uuid(cluster.members.get(0)));
                assertThat(survivor.completed()).isEqualTo(20);
                assertThat(survivor.running()).isZero();
            });
        }
    }
}
