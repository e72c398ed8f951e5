package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The checkpoint's recorder among the run's listeners and threads: the listeners hear of the run's end once its
 * records are written (a named cluster run gives its lease back in its listener's {@code onFinish}, and whoever
 * takes the run over next must find every outcome recorded); and a recorder that waits for a slow store never
 * holds the threads that the store's own write needs.
 */
class CheckpointListenersTest {

    @Test
    void aListenerHearsTheEndOnceEveryOutcomeIsRecorded() {
        // a store that writes slowly, and 250 inputs more than whole batches: the run's end finds records still
        // waiting to be written
        CheckpointTest.BreakingStore slow = new CheckpointTest.BreakingStore() {
            @Override
            public void record(String runName, List<Entry> entries) {
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                super.record(runName, entries);
            }
        };
        AtomicLong recordedAtFinish = new AtomicLong(-1);
        ProgressReporter listener = new ProgressReporter() {
            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                recordedAtFinish.set(slow.succeeded("listened"));
            }
        };
        Summary summary = CheckpointTest.runAll(Parallelized.of((Integer i) -> i,
                        IntStream.range(0, 5_250).boxed().toList())
                .numThreads(4).listener(listener).checkpoint(slow, "listened", String::valueOf));
        assertThat(summary.succeeded()).isEqualTo(5_250);
        assertThat(recordedAtFinish.get()).as("recorded when the listener heard the end").isEqualTo(5_250);
    }

    /**
     * Outcomes delivered on the threads of a small {@link java.util.concurrent.ForkJoinPool} (as Hazelcast's async
     * executor delivers a cluster run's), with a store whose write completes on that same pool: when the recorder's
     * buffer is full, the delivering threads wait for a write, and the pool must still run the write's completion.
     */
    @Test
    void aRecorderWaitingForRoomLeavesItsPoolToTheStore() throws Exception {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(2);
        try {
            CheckpointTest.BreakingStore store = new CheckpointTest.BreakingStore() {
                @Override
                public void record(String runName, List<Entry> entries) {
                    try {
                        // the write's answer comes back on the pool, as a Hazelcast future's does
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            super.record(runName, entries);
                            return null;
                        }, pool).get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the write did not complete: " + e, e);
                    }
                }
            };
            Summary summary = CheckpointTest.runAll(Parallelized.ofAsync((Integer i) ->
                            java.util.concurrent.CompletableFuture.supplyAsync(() -> i, pool),
                    IntStream.range(0, 20_000).boxed().toList())
                    .numThreads(64).checkpoint(store, "pooled", String::valueOf));
            assertThat(summary.succeeded()).isEqualTo(20_000);
            assertThat(store.succeeded("pooled")).isEqualTo(20_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
