package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.Summary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checkpoint store on the cluster's IMap keeps the contract of every store (as the core's contract test). */
class CheckpointStoreTest {

    static TestCluster cluster;
    static ParallelizedCluster view;
    static CheckpointStore store;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(2, 2);
        view = ParallelizedCluster.on(cluster.members.get(0));
        store = view.checkpointStore();
    }

    @AfterAll
    static void stop() {
        if (view != null) {
            view.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSuccessIsFinalAndFailuresAddTheirAttempts() {
        String run = "contract";
        store.record(run, List.of(CheckpointStore.Entry.success("ok", 1),
                CheckpointStore.Entry.failure("bad", 3, new IOException("disk full")),
                CheckpointStore.Entry.failure("later", 1, new IllegalStateException("first"))));
        store.record(run, List.of(CheckpointStore.Entry.failure("bad", 2, new RuntimeException((String) null)),
                CheckpointStore.Entry.success("later", 1),
                CheckpointStore.Entry.failure("ok", 1, new IOException("too late"))));
        assertThat(store.succeeded(run)).isEqualTo(2);
        assertThat(store.failedCount(run)).isEqualTo(1);
        assertThat(store.failed(run, 10)).containsExactly(
                new CheckpointStore.Failure("bad", "java.lang.RuntimeException", null, 5));
        assertThat(store.succeededAmong(run, List.of("ok", "bad", "later", "never")))
                .containsExactlyInAnyOrder("ok", "later");
        assertThat(store.runNames()).contains(run);
        assertThat(store.toString()).contains(ParallelizedCluster.CHECKPOINT_MAP);
    }

    @Test
    void failuresComeOrderedByKeyAndRunsAreClearedOneByOne() {
        List<CheckpointStore.Entry> entries = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            entries.add(CheckpointStore.Entry.failure("k" + i, 1, new IOException("no " + i)));
        }
        store.record("ordered", entries);
        store.record("ordered-other", List.of(CheckpointStore.Entry.success("k0", 1)));
        assertThat(store.failed("ordered", 3)).extracting(CheckpointStore.Failure::key)
                .containsExactly("k0", "k1", "k2");
        assertThatThrownBy(() -> store.failed("ordered", -1)).isInstanceOf(IllegalArgumentException.class);
        store.clear("ordered");
        assertThat(store.failedCount("ordered")).isZero();
        assertThat(store.succeededAmong("ordered-other", List.of("k0"))).containsExactly("k0");
        assertThat(store.runNames()).contains("ordered-other").doesNotContain("ordered");
    }

    @Test
    void aRunResumesThroughTheMapFromAnotherMembersView() {
        List<Integer> inputs = IntStream.range(0, 1_000).boxed().toList();
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Summary first = runAll(Parallelized.of((Integer i) -> {
            ran.add(i);
            if (i % 4 == 0) {
                throw new IOException("quarter " + i);
            }
            return i;
        }, inputs), store, "resumed");
        assertThat(first.failed()).isEqualTo(250);
        // another member's view of the same map: what a second submitter would use
        try (ParallelizedCluster other = ParallelizedCluster.on(cluster.members.get(1))) {
            ran.clear();
            Summary second = runAll(Parallelized.of((Integer i) -> {
                ran.add(i);
                return i;
            }, inputs), other.checkpointStore(), "resumed");
            assertThat(second.skipped()).isEqualTo(750);
            assertThat(ran).hasSize(250).allMatch(i -> i % 4 == 0);
        }
        assertThat(store.succeeded("resumed")).isEqualTo(1_000);
    }

    private static Summary runAll(Parallelized.Builder<Integer, Integer> builder, CheckpointStore in, String name) {
        try (Parallelized<Integer, Integer> run = builder.progress(ProgressReporter.none())
                .checkpoint(in, name, String::valueOf).start()) {
            for (Outcome<Integer, Integer> ignored : run) {
                // consume
            }
            return run.summary();
        }
    }
}
