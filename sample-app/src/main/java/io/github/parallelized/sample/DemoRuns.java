package io.github.parallelized.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Launches the runs of {@code sample.demo.runs} once the service is ready, so that a new user sees progress on
 * the dashboard and in Actuator at once. {@code sample.demo.enabled=false} turns it off.
 */
@Component
class DemoRuns {

    private static final Logger log = LoggerFactory.getLogger(DemoRuns.class);

    private final RunService service;
    private final SampleProperties properties;

    DemoRuns(RunService service, SampleProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void launch() {
        if (!properties.demo().enabled()) {
            return;
        }
        for (RunRequest request : properties.demo().runs()) {
            try {
                RunView run = service.start(request);
                log.info("Demo run {} '{}' started: watch it at / or /actuator/parallelized/{}", run.id(),
                        run.desc(), run.id());
            } catch (RuntimeException e) {
                // a wrong demo entry in application.yml should not stop the service
                log.warn("Demo run {} not started: {}", request, e.getMessage());
            }
        }
    }
}
