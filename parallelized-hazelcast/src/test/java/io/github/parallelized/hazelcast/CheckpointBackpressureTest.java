package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.Summary;

/**
 * A checkpointed cluster run whose store falls behind: the run's recorder then holds back the threads that deliver
 * outcomes (at most 1,000 wait to be written), and those must never be Hazelcast's, which the store's own writes
 * need for their answers (they were: a lite-member submitter stalled until the map's 30 s bound and the run failed,
 * as TakeoverKillTest did under heavy load).
 */
class CheckpointBackpressureTest {

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aStoreThatFallsBehindSlowsTheRunAndLosesNothing() {
        cluster = new TestCluster(2, 4);
        cluster.members.forEach(m -> ParallelizedCluster.on(m).register("echo", (Integer x) -> x));
        for (var submitter : List.of(cluster.client(), cluster.liteMember())) {
            ParallelizedCluster view = ParallelizedCluster.on(submitter);
            CheckpointStore store = new SlowFirstWrite(view.checkpointStore());
            String run = "backpressure-" + submitter.getName();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try (Parallelized<Integer, Integer> started = view.<Integer, Integer>of("echo",
                        IntStream.range(0, 5_000).boxed()).checkpoint(store, run, String::valueOf)
                        .progress(ProgressReporter.none()).start()) {
                    started.forEach(outcome -> { });
                    Summary summary = started.summary();
                    assertThat(summary.succeeded()).as(submitter.getName()).isEqualTo(5_000);
                }
            });
            assertThat(store.succeeded(run)).isEqualTo(5_000);
        }
    }

    /** The map's store, whose first write waits 2 s: the outcomes pile up meanwhile, past what may wait unwritten. */
    private static final class SlowFirstWrite implements CheckpointStore {
        private final CheckpointStore store;
        private final AtomicBoolean first = new AtomicBoolean(true);

        SlowFirstWrite(CheckpointStore store) {
            this.store = store;
        }

        @Override
        public void record(String runName, List<Entry> entries) {
            if (first.getAndSet(false)) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            store.record(runName, entries);
        }

        @Override
        public Set<String> succeededAmong(String runName, Collection<String> keys) {
            return store.succeededAmong(runName, keys);
        }

        @Override
        public long succeeded(String runName) {
            return store.succeeded(runName);
        }

        @Override
        public long failedCount(String runName) {
            return store.failedCount(runName);
        }

        @Override
        public List<Failure> failed(String runName, int max) {
            return store.failed(runName, max);
        }

        @Override
        public void clear(String runName) {
            store.clear(runName);
        }

        @Override
        public List<String> runNames() {
            return store.runNames();
        }
    }
}
