package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.parallelized.spring.ParallelizedLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = {"sample.demo.enabled=false"})
class ApiRunTest {

    @Autowired
    private RunService service;

    @Autowired
    private ParallelizedLimits limits;

    @Test
    void anApiRunObeysTheNamedLimitAndShowsWhoWaitsForIt() {
        assertThat(limits.get(RunService.API_LIMIT)).hasToString("TaskLimit[concurrency 4 and rate 20 per 1.0 s]");
        RunView started = service.start(RunRequest.of("api", 20));
        assertThat(started.kind()).isEqualTo("api");
        assertThat(started.waitingForLimit()).isNotNull();
        assertThat(started.parameters()).containsEntry("limit", "parallelized.limits.api");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> service.find(started.id()).orElseThrow().summary() != null);
        RunView done = service.find(started.id()).orElseThrow();
        // the limit keeps the calls under the API's rate, and the retries wait what its 429s ask: all succeed
        assertThat(done.succeeded()).isEqualTo(20);
        assertThat(done.failed()).isZero();
        assertThat(done.waitingForLimit()).isZero();
    }

    /** The io kind at its default threads: 64 on a pool of the sample's own on Java 17 (that path once threw). */
    @Test
    void anIoRunAtTheDefaultThreadsCompletes() {
        RunView started = service.start(RunRequest.of("io", 100));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> service.find(started.id()).orElseThrow().summary() != null);
        RunView done = service.find(started.id()).orElseThrow();
        assertThat(done.succeeded() + done.failed()).isEqualTo(100);
    }
}
