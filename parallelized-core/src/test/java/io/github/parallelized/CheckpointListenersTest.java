package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * A checkpointed run's listeners hear of its end once its records are written: a named cluster run gives its lease
 * back in its listener's {@code onFinish}, and whoever takes the run over next must find every outcome recorded
 * (not run again what had already succeeded).
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
}
