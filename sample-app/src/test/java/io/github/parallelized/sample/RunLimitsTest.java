package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.demo.enabled=false", "sample.max-active-runs=1"})
@AutoConfigureRestTestClient
class RunLimitsTest {

    @Autowired
    private RunService service;

    @Autowired
    private RestTestClient client;

    @Test
    void refusesARunBeyondTheActiveLimitUntilOneEnds() {
        RunView first = service.start(new RunRequest("io", 10, null, 1, null, 10_000, null, null));

        assertThatThrownBy(() -> service.start(RunRequest.of("cpu", 1)))
                .isInstanceOf(TooManyRunsException.class)
                .hasMessageContaining("sample.max-active-runs");

        client.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).body("{\"kind\":\"cpu\",\"count\":1}")
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(String.class,
                        detail -> assertThat(detail).contains("sample.max-active-runs").contains("try again in 5 s"));

        service.cancel(first.id());
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> service.find(first.id()).orElseThrow().summary() != null);
        assertThat(service.start(RunRequest.of("cpu", 1)).id()).isNotEqualTo(first.id());
    }
}
