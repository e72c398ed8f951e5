package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.demo.enabled=false", "sample.max-count=1000",
                // Spring warns about the wrong method that springMvcErrorsAreProblemDetailsToo sends on purpose
                "logging.level.org.springframework.web.servlet.PageNotFound=error"})
@AutoConfigureRestTestClient
@AutoConfigureMetrics
class RunApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
    };

    @Autowired
    private RestTestClient client;

    private RunView post(String json) {
        return client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).body(json).exchange()
                .expectStatus().isCreated()
                .expectHeader().valueMatches("Location", "/api/runs/\\d+")
                .returnResult(RunView.class).getResponseBody();
    }

    private RunView get(String id) {
        return client.get().uri("/api/runs/{id}", id).exchange().expectStatus().isOk()
                .returnResult(RunView.class).getResponseBody();
    }

    private Map<String, Object> actuatorRun(String id) {
        return client.get().uri("/actuator/parallelized/{id}", id).exchange().expectStatus().isOk()
                .returnResult(JSON_OBJECT).getResponseBody();
    }

    private int runCount() {
        return client.get().uri("/api/runs").exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<List<RunView>>() {
                }).getResponseBody().size();
    }

    @Test
    void cpuRunCompletesEveryInput() {
        RunView started = post("{\"kind\":\"cpu\",\"count\":50,\"iterations\":10,\"desc\":\"api cpu\"}");
        assertThat(started.desc()).isEqualTo("api cpu");
        assertThat(started.total()).isEqualTo(50);

        await().atMost(WAIT).until(() -> get(started.id()).summary() != null);
        RunView done = get(started.id());
        assertThat(done.state()).isEqualTo("COMPLETED");
        assertThat(done.succeeded()).isEqualTo(50);
        assertThat(done.failures()).isEmpty();
        assertThat(done.postfix()).containsEntry("kind", "cpu").containsKey("last");
        assertThat(done.summary()).startsWith("api cpu: 50 succeeded, 0 failed");
        // the starter's gauges keep a finished run for parallelized.metrics.retention
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text)
                        .contains("parallelized_progress{batch=\"api cpu\"} 1.0")
                        .contains("parallelized_tasks{batch=\"api cpu\",state=\"succeeded\"} 50.0"));
    }

    @Test
    void apiAndActuatorShareTheRunId() {
        RunView started = post("{\"kind\":\"cpu\",\"count\":5,\"iterations\":1,\"desc\":\"shared id\"}");
        assertThat(actuatorRun(started.id())).containsEntry("id", started.id()).containsEntry("desc", "shared id");
    }

    @Test
    void flakyRunRetriesAndReportsItsFailures() {
        RunView started = post("{\"kind\":\"flaky\",\"count\":4,\"failureRate\":1.0,\"maxAttempts\":2}");

        await().atMost(WAIT).until(() -> get(started.id()).summary() != null);
        RunView done = get(started.id());
        assertThat(done.failed()).isEqualTo(4);
        assertThat(done.failureCount()).isEqualTo(4);
        assertThat(done.failures()).hasSize(4).allSatisfy(f -> {
            assertThat(f.attempts()).isEqualTo(2);
            assertThat(f.error()).contains("IOException").contains("simulated failure of call " + f.input());
        });
        assertThat(done.postfix()).containsEntry("retried", 4);
    }

    @Test
    void deleteCancelsARun() {
        // one thread and a long wait per call: the run cannot end before it is cancelled
        RunView started = post("{\"kind\":\"io\",\"count\":100,\"threads\":1,\"latencyMs\":10000}");

        client.delete().uri("/api/runs/{id}", started.id()).exchange().expectStatus().isOk();

        await().atMost(WAIT).until(() -> get(started.id()).summary() != null);
        RunView done = get(started.id());
        assertThat(done.state()).isEqualTo("CANCELLED");
        assertThat(done.succeeded()).isZero();
        // the running input is cancelled; the source is read no further, so the other inputs never become outcomes
        assertThat(done.cancelled()).isLessThan(100);
    }

    @Test
    void theActuatorEndpointIsReadOnlyForAnyone() {
        RunView started = post("{\"kind\":\"io\",\"count\":100,\"threads\":1,\"latencyMs\":10000}");

        client.delete().uri("/actuator/parallelized/{id}", started.id()).exchange().expectStatus().isEqualTo(405);
        assertThat(get(started.id()).state()).isEqualTo("RUNNING");

        client.delete().uri("/api/runs/{id}", started.id()).exchange().expectStatus().isOk();
        await().atMost(WAIT).until(() -> get(started.id()).summary() != null);
        assertThat(get(started.id()).state()).isEqualTo("CANCELLED");
    }

    @Test
    void healthShowsNoDetailsToAnAnonymousCaller() {
        client.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components").doesNotExist()
                .jsonPath("$.details").doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"kind":"gpu","count":5}              | unknown kind 'gpu'; expected one of cpu, io, flaky, api
            {"kind":"cpu","count":0}              | count must be between 1 and 1000, was 0
            {"kind":"cpu","count":1001}           | count must be between 1 and 1000, was 1001
            {"kind":"cpu"}                        | count is required (1 to 1000)
            {"kind":"cpu","count":"lots"}         | Malformed request body at 'count'
            {"kind":"cpu","count":5               | Malformed request body
            [1, 2]                                | Malformed request body
            {"kind":"cpu","count":5,"iteration":5} | Malformed request body at 'iteration'
            {"kind":"cpu","count":1.5}            | Malformed request body at 'count'
            {"kind":"cpu","count":5,"threads":2.0} | Malformed request body at 'threads'
            {"kind":"cpu","count":5,"threads":16} | threads 16 is refused: numThreads 16 is above the executor's limit of 2
            {"kind":"cpu","count":5,"desc":"\\ud800"} | desc must be printable text
            {"kind":"cpu","count":5,"desc":"a\\nWARN forged"} | desc must be printable text
            {"kind":"cpu","count":5,"desc":"a\\u2028WARN forged"} | desc must be printable text
            """)
    void badRequestsAnswer400WithAProblemDetailAndStartNothing(String body, String detail) {
        int before = runCount();

        client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).body(body).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(String.class, d -> assertThat(d).startsWith(detail));

        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void missingBodyAnswers400() {
        client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(String.class,
                        d -> assertThat(d).startsWith("Request body is missing"));
    }

    @Test
    void invalidFieldsAreListed() {
        client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).body("{\"kind\":\"x\",\"count\":-1}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.title").isEqualTo("Invalid run request")
                .jsonPath("$.errors[0].field").isEqualTo("kind")
                .jsonPath("$.errors[1].field").isEqualTo("count");
    }

    @Test
    void springMvcErrorsAreProblemDetailsToo() {
        client.put().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).body("{}").exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        client.post().uri("/api/runs").contentType(MediaType.TEXT_PLAIN).body("cpu").exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void unknownRunAnswers404() {
        client.get().uri("/api/runs/no-such-run").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.detail").isEqualTo("no run with id 'no-such-run'");
        client.delete().uri("/api/runs/no-such-run").exchange().expectStatus().isNotFound();
    }

    @Test
    void servesTheDashboardAndExposesTheActuatorEndpoints() {
        client.get().uri("/").exchange().expectStatus().isOk()
                .expectBody(String.class).value(html -> assertThat(html).contains("dashboard.js", "start-form")
                        // until the first poll answers, the page does not claim that there are no runs
                        .contains("Loading runs").doesNotContain("No runs yet"));
        client.get().uri("/dashboard.js").exchange().expectStatus().isOk()
                .expectBody(String.class).value(js -> assertThat(js).contains("actuator/parallelized"));
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        client.get().uri("/actuator/parallelized").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.runs").isArray();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        client.get().uri("/actuator/metrics").exchange().expectStatus().isOk();
    }
}
