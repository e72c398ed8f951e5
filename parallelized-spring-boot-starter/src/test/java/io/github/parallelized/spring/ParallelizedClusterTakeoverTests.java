package io.github.parallelized.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.hazelcast.NamedRun;
import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.github.parallelized.hazelcast.RunInProgressException;

/**
 * Named cluster runs through the Spring factory: preset like its other runs, checkpointed in the cluster's map even when
 * the application has a store of its own, one submitter at a time.
 */
class ParallelizedClusterTakeoverTests {

    private static HazelcastInstance member;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedClusterAutoConfiguration.class))
            .withBean(HazelcastInstance.class, () -> member)
            .withBean("square", ClusterTask.class, () -> ClusterTask.<Integer, Integer>of("square", x -> x * x))
            .withBean(CheckpointStore.class, CheckpointStore::inMemory) // the application's own store
            .withPropertyValues("parallelized.progress=none");

    @BeforeAll
    static void startMember() {
        member = Hazelcast.newHazelcastInstance(LoopbackConfig.of("parallelized-spring-takeover-" + UUID.randomUUID(),
                LoopbackConfig.randomPort(), 3));
    }

    @AfterAll
    static void stopMember() {
        member.getLifecycleService().terminate();
    }

    @Test
    void aNamedRunOfTheFactoryIsRecordedInTheClusterAndResumedSkippingWhatSucceeded() {
        runner.run(context -> {
            ParallelizedClusterFactory factory = context.getBean(ParallelizedClusterFactory.class);
            ParallelizedCluster cluster = context.getBean(ParallelizedCluster.class);
            List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
            cluster.checkpointStore().record("spring-nightly", List.of(CheckpointStore.Entry.success("0", 1)));
            Parallelized.Builder<Integer, Integer> claimed = factory.resumable("spring-nightly", "square", inputs,
                    String::valueOf);
            assertThatThrownBy(() -> factory.resume("spring-nightly", inputs.stream(), String::valueOf))
                    .isInstanceOf(RunInProgressException.class).hasMessageContaining("spring-nightly");
            try (Parallelized<Integer, Integer> run = claimed.start()) {
                run.forEach(o -> assertThat(o.isSuccess()).isTrue());
                assertThat(run.summary().skipped()).isEqualTo(1);
                assertThat(run.summary().succeeded()).isEqualTo(19);
            }
            assertThat(cluster.namedRun("spring-nightly").orElseThrow().state()).isEqualTo(NamedRun.State.FINISHED);
            // the cluster's map, not the application's store: any member can resume it
            assertThat(context.getBean(CheckpointStore.class).succeeded("spring-nightly")).isZero();
            try (Parallelized<Integer, Integer> run = factory.<Integer, Integer>resume("spring-nightly", inputs,
                    String::valueOf).start()) {
                run.forEach(o -> { });
                assertThat(run.summary().skipped()).isEqualTo(20);
            }
            assertThat(cluster.forget("spring-nightly")).isTrue();
        });
    }
}
