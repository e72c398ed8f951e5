package io.github.parallelized.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Progress;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scrape that reads {@code parallelized.batches.active} while a run finishes and leaves the registry of runs (a
 * retention of 0s, or the end of any retention). Before, the gauge looked the run's snapshot up twice, found it the
 * first time and not the second, and threw a NullPointerException: Micrometer logged it and the gauge read NaN (a
 * gap on a dashboard, a NaN an alert rule trips on). Found by scraping while runs came and went.
 */
class RunLeavingWhileScrapedTests {

    /** A live run whose next snapshot read, once armed, finishes it: it leaves the registry in the middle of a read. */
    static final class LeavingWhileRead implements Parallelized<Integer, Integer>, Progress {
        final RunRegistry runs;
        boolean armed;

        LeavingWhileRead(RunRegistry runs) {
            this.runs = runs;
        }

        private ProgressSnapshot at(RunState state) {
            return new ProgressSnapshot("leaving", "leaving", state, 10, 5, 5, 0, 0, 0, Instant.now(), Duration.ZERO,
                    Map.of());
        }

        @Override
        public ProgressSnapshot snapshot() {
            if (armed) {
                armed = false;
                runs.onFinish(at(RunState.COMPLETED), null); // retention 0s: it leaves the registry at once
            }
            return at(RunState.RUNNING); // what this read saw, just before
        }

        @Override
        public String id() {
            return "leaving";
        }

        @Override
        public Progress progress() {
            return this;
        }

        @Override
        public Iterator<Outcome<Integer, Integer>> iterator() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stream<Outcome<Integer, Integer>> stream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel() {
        }

        @Override
        public Iterator<Integer> remaining() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Summary summary() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }

        @Override
        public void setDescription(String description) {
        }

        @Override
        public void setPostfix(Map<String, ?> postfix) {
        }

        @Override
        public void write(String line) {
        }

        @Override
        public long total() {
            return 10;
        }

        @Override
        public long completed() {
            return 5;
        }

        @Override
        public long failed() {
            return 0;
        }
    }

    @Test
    void aRunLeavingTheRegistryWhileTheActiveGaugeReadsItIsCountedOrNotButNeverANaN() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RunRegistry runs = new RunRegistry(Duration.ZERO);
        MicrometerProgress progress = new MicrometerProgress(meters, runs, 10, false);
        LeavingWhileRead run = new LeavingWhileRead(runs);
        runs.onStart(run);
        progress.onStart(run);
        run.armed = true; // the gauge's first look at the run finishes it
        double active = meters.get("parallelized.batches.active").gauge().value();
        assertThat(active).as("runs in progress").isIn(0.0, 1.0);
    }
}
