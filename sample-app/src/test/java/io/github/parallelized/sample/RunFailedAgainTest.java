package io.github.parallelized.sample;

import io.github.parallelized.CheckpointStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample's runs are checkpointed in its H2 database: a finished run's failed inputs run again, and only those. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.demo.enabled=false")
@AutoConfigureRestTestClient
class RunFailedAgainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private RestTestClient client;

    @Autowired
    private CheckpointStore checkpoints;

    private RunView get(String id) {
        return client.get().uri("/api/runs/{id}", id).exchange().expectStatus().isOk()
                .returnResult(RunView.class).getResponseBody();
    }

    @Test
    void aFinishedRunsFailedInputsRunAgainUnderItsCheckpoint() {
        RunView first = client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .body("{\"kind\":\"flaky\",\"count\":60,\"failureRate\":0.5,\"maxAttempts\":1}").exchange()
                .expectStatus().isCreated().returnResult(RunView.class).getResponseBody();
        assertThat(first.checkpoint()).startsWith("sample-run-");
        await().atMost(WAIT).until(() -> get(first.id()).summary() != null);
        RunView done = get(first.id());
        assertThat(done.failed()).as("half of 60 fail, all of them only by a 1e-18 chance").isPositive()
                .isLessThan(60);
        assertThat(checkpoints.failedCount(first.checkpoint())).isEqualTo(done.failed());

        RunView again = client.post().uri("/api/runs/{id}/failed-again", first.id()).exchange()
                .expectStatus().isCreated().expectHeader().valueMatches("Location", "/api/runs/\\d+")
                .returnResult(RunView.class).getResponseBody();
        assertThat(again.checkpoint()).isEqualTo(first.checkpoint());
        await().atMost(WAIT).until(() -> get(again.id()).summary() != null);
        RunView rerun = get(again.id());
        assertThat(rerun.skipped()).isEqualTo(done.succeeded());
        assertThat(rerun.succeeded() + rerun.failed()).isEqualTo(done.failed());
        assertThat(checkpoints.succeeded(first.checkpoint())).isEqualTo(done.succeeded() + rerun.succeeded());
    }

    @Test
    void aRunThatIsGoingOnOrUnknownIsRefused() {
        RunView going = client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .body("{\"kind\":\"io\",\"count\":20,\"threads\":1,\"latencyMs\":10000}").exchange()
                .expectStatus().isCreated().returnResult(RunView.class).getResponseBody();
        Map<String, Object> problem = client.post().uri("/api/runs/{id}/failed-again", going.id()).exchange()
                .expectStatus().isEqualTo(409).returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
                }).getResponseBody();
        assertThat(problem.get("detail").toString()).contains("still going on");
        client.delete().uri("/api/runs/{id}", going.id()).exchange().expectStatus().isOk();
        client.post().uri("/api/runs/{id}/failed-again", "999999").exchange().expectStatus().isNotFound();
    }

    /**
     * Two requests to run a finished run's failed inputs again, the second while the first one's run goes on: the
     * second is refused. Before, each started a run under the same checkpoint, and every failed input ran once per
     * request, at the same time (three requests: three runs of the same inputs).
     */
    @Test
    void aSecondRunOfTheFailedInputsWhileOneGoesOnIsRefused() {
        RunView first = client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .body("{\"kind\":\"flaky\",\"count\":100,\"failureRate\":1.0,\"maxAttempts\":1}").exchange()
                .expectStatus().isCreated().returnResult(RunView.class).getResponseBody();
        await().atMost(WAIT).until(() -> get(first.id()).summary() != null);
        RunView again = client.post().uri("/api/runs/{id}/failed-again", first.id()).exchange()
                .expectStatus().isCreated().returnResult(RunView.class).getResponseBody();
        try {
            // 100 inputs of 40 ms on the sample's 2 threads: the run of the failed inputs goes on for seconds
            Map<String, Object> problem = client.post().uri("/api/runs/{id}/failed-again", first.id()).exchange()
                    .expectStatus().isEqualTo(409)
                    .returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
                    }).getResponseBody();
            assertThat(problem.get("detail").toString()).contains("run " + again.id() + " ");
        } finally {
            client.delete().uri("/api/runs/{id}", again.id()).exchange().expectStatus().isOk();
        }
        await().atMost(WAIT).until(() -> get(again.id()).summary() != null);
        RunView third = client.post().uri("/api/runs/{id}/failed-again", first.id()).exchange()
                .expectStatus().isCreated().returnResult(RunView.class).getResponseBody();
        client.delete().uri("/api/runs/{id}", third.id()).exchange().expectStatus().isOk();
        await().atMost(WAIT).until(() -> get(third.id()).summary() != null);
    }
}
