package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallelized.CheckpointStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = {
        "sample.demo.runs[0].kind=cpu", "sample.demo.runs[0].count=3", "sample.demo.runs[0].desc=demo one",
        "sample.demo.runs[1].kind=nonsense", "sample.demo.runs[1].count=3",
        // the wrong entry is logged as a warning, expected here
        "logging.level.io.github.parallelized.sample.DemoRuns=error"})
class DemoRunsTest {

    @Autowired
    private RunService service;

    @Test
    void launchesTheValidDemoRunsAtStartUpAndSkipsTheWrongOnes() {
        assertThat(service.list()).extracting(RunView::desc).containsExactly("demo one");
    }

    /**
     * A demo run that had finished starts anew at the next start-up, also when some of its inputs failed (the flaky
     * demo always ends with a few): it used to resume just those, a run over at once ("resumes: 398 of 400 inputs
     * succeeded before the service stopped"); one stopped midway resumes.
     */
    @Test
    void aFinishedDemoRunStartsAnewEvenWithFailuresAndAStoppedOneResumes() {
        CheckpointStore store = CheckpointStore.inMemory();
        record(store, "finished", 398, 2);
        assertThat(DemoRuns.resumeOrClear(store, "finished", 400)).as("nothing to skip").isZero();
        assertThat(store.succeeded("finished") + store.failedCount("finished")).as("cleared").isZero();

        record(store, "stopped", 150, 7);
        assertThat(DemoRuns.resumeOrClear(store, "stopped", 400)).as("the successes to skip").isEqualTo(150);
        assertThat(store.failedCount("stopped")).as("kept, to run again").isEqualTo(7);
    }

    private static void record(CheckpointStore store, String name, int succeeded, int failed) {
        List<CheckpointStore.Entry> entries = new ArrayList<>();
        for (int i = 0; i < succeeded + failed; i++) {
            entries.add(i < succeeded ? CheckpointStore.Entry.success("" + i, 1)
                    : CheckpointStore.Entry.failure("" + i, 3, new IOException("simulated failure of call " + i)));
        }
        store.record(name, entries);
    }
}
