package io.github.parallelized.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.hazelcast.NamedRun;
import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.github.parallelized.hazelcast.RunInProgressException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Cluster runs in Spring: one test per branch of {@link ParallelizedClusterAutoConfiguration}. */
class ParallelizedClusterAutoConfigurationTests {

    private static HazelcastInstance member;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedClusterAutoConfiguration.class))
            .withBean(HazelcastInstance.class, () -> member)
            .withBean("square", ClusterTask.class, () -> ClusterTask.<Integer, Integer>of("square", x -> x * x))
            .withPropertyValues("parallelized.progress=none");

    @BeforeAll
    static void startMember() {
        member = Hazelcast.newHazelcastInstance(LoopbackConfig.of("parallelized-spring-" + UUID.randomUUID(),
                LoopbackConfig.randomPort(), 3));
    }

    @AfterAll
    static void stopMember() {
        member.getLifecycleService().terminate();
    }

    @Test
    void clusterTaskBeansAreRegisteredAndTheFactoryRunsThemOnTheCluster() {
        runner.run(context -> {
            List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
            String id;
            try (Parallelized<Integer, Integer> run = context.getBean(ParallelizedClusterFactory.class)
                    .<Integer, Integer>of("square", IntStream.range(0, 50).boxed()).start()) {
                run.forEach(outcomes::add);
                id = run.id();
            }
            assertThat(outcomes).hasSize(50).allMatch(o -> o.isSuccess() && o.result() == o.input() * o.input());
            // the endpoint's registry sees the cluster run like a local one, with the members in its postfix
            ProgressSnapshot snapshot = context.getBean(RunRegistry.class).snapshot(id).orElseThrow();
            assertThat(snapshot.description()).isEqualTo("square");
            assertThat(snapshot.succeeded()).isEqualTo(50);
            assertThat(snapshot.postfix()).containsEntry("members", 1);
        });
    }

    @Test
    void aClusterRunNamedByItsCheckpointResumesThroughTheClustersMap() {
        runner.run(context -> {
            ParallelizedClusterFactory factory = context.getBean(ParallelizedClusterFactory.class);
            context.getBean(ParallelizedCluster.class).checkpointStore().record("cluster-nightly",
                    List.of(io.github.parallelized.CheckpointStore.Entry.success("0", 1)));
            try (Parallelized<Integer, Integer> run = factory.<Integer, Integer>of("square",
                    IntStream.range(0, 10).boxed()).checkpoint("cluster-nightly", String::valueOf).start()) {
                run.forEach(outcome -> assertThat(outcome.isSuccess()).isTrue());
                assertThat(run.summary().skipped()).isEqualTo(1);
                assertThat(run.summary().succeeded()).isEqualTo(9);
            }
            assertThat(context.getBean(ParallelizedCluster.class).checkpointStore().succeeded("cluster-nightly"))
                    .isEqualTo(10);
        });
    }

    @Test
    void theApplicationsBuilderCustomizersApplyToClusterRunsToo() {
        runner.withBean(ParallelizedBuilderCustomizer.class, () -> builder -> builder.desc("customized"))
                .run(context -> {
                    try (Parallelized<Integer, Integer> run = context.getBean(ParallelizedClusterFactory.class)
                            .<Integer, Integer>of("square", IntStream.range(0, 5).boxed()).start()) {
                        assertThat(run.progress().snapshot().description()).isEqualTo("customized");
                        run.forEach(o -> assertThat(o.isSuccess()).isTrue());
                    }
                });
    }

    @Test
    void theClusterMetersCountMembersAndResubmissions() {
        runner.run(context -> {
            MeterRegistry meters = new SimpleMeterRegistry();
            context.getBean("parallelizedClusterMeters", MeterBinder.class).bindTo(meters);
            assertThat(meters.get("parallelized.cluster.members").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("parallelized.cluster.resubmissions").functionCounter().count()).isZero();
        });
    }

    @Test
    void offWhenDisabled() {
        runner.withPropertyValues("parallelized.cluster.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ParallelizedClusterFactory.class);
            assertThat(context).doesNotHaveBean(ParallelizedCluster.class);
        });
    }

    @Test
    void offWithoutTheHazelcastModule() {
        runner.withClassLoader(new FilteredClassLoader(ParallelizedCluster.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ParallelizedClusterFactory.class));
    }

    @Test
    void offWithoutAHazelcastInstance() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedClusterAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelizedClusterFactory.class));
    }

    /**
     * Named cluster runs through the factory: preset like its other runs, checkpointed in the cluster's map even when
     * the application has a store of its own, one submitter at a time.
     */
    @Test
    void aNamedRunOfTheFactoryIsRecordedInTheClusterAndResumedSkippingWhatSucceeded() {
        ApplicationContextRunner withStore = runner.withBean(CheckpointStore.class, CheckpointStore::inMemory);
        withStore.run(context -> { // the application has a store of its own
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
