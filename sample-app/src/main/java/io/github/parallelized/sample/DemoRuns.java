package io.github.parallelized.sample;

import io.github.parallelized.CheckpointStore;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Launches the runs of {@code sample.demo.runs} once the service is ready, so that a new user sees progress on
 * the dashboard and in Actuator at once. {@code sample.demo.enabled=false} turns it off. Each demo run is
 * checkpointed in the service's database, so that a service restarted in the middle of one resumes it.
 */
@Component
class DemoRuns {

    private static final Logger log = LoggerFactory.getLogger(DemoRuns.class);

    private final RunService service;
    private final SampleProperties properties;
    private final CheckpointStore checkpoints;

    DemoRuns(RunService service, SampleProperties properties, ObjectProvider<CheckpointStore> checkpoints) {
        this.service = service;
        this.properties = properties;
        this.checkpoints = checkpoints.getIfUnique();
    }

    @EventListener(ApplicationReadyEvent.class)
    void launch() {
        if (!properties.demo().enabled()) {
            return;
        }
        List<RunRequest> runs = properties.demo().runs();
        for (int i = 0; i < runs.size(); i++) {
            RunRequest request = runs.get(i);
            try {
                RunView run = service.start(request, checkpoint(i, request));
                log.info("Demo run {} '{}' started: watch it at / or /actuator/parallelized/{}", run.id(),
                        run.desc(), run.id());
            } catch (RuntimeException e) {
                // a wrong demo entry in application.yml should not stop the service
                log.warn("Demo run {} not started: {}", request, e.getMessage());
            }
        }
    }

    /**
     * The demo run's checkpoint, {@code demo-<index>}: a service stopped in the middle of a demo run resumes it when
     * it starts again (the inputs that succeeded are skipped, and the dashboard's bar starts at their count); a
     * demo run that had finished starts anew. Null without a checkpoint store.
     */
    private String checkpoint(int index, RunRequest request) {
        if (checkpoints == null) {
            return null;
        }
        String name = "demo-" + index;
        try {
            long done = resumeOrClear(checkpoints, name, request.count());
            if (done > 0) {
                log.info("Demo run '{}' resumes: {} of {} inputs succeeded before the service stopped",
                        request.desc(), done, request.count());
            }
        } catch (RuntimeException e) {
            log.warn("Demo run '{}': the checkpoint store did not answer ({}); the run will say more",
                    request.desc(), e.getMessage());
        }
        return name;
    }

    /**
     * Clears a demo run's checkpoint when its run had finished (every input has a recorded outcome: a success, or a
     * failure at its last attempt; a flaky demo ends with a few failures, and used to "resume" just those, a run
     * that ends at once), and answers the successes a resumed run skips: 0 once cleared.
     */
    static long resumeOrClear(CheckpointStore store, String name, Integer count) {
        long done = store.succeeded(name);
        if (count != null && done + store.failedCount(name) >= count) {
            store.clear(name);
            return 0;
        }
        return done;
    }
}
