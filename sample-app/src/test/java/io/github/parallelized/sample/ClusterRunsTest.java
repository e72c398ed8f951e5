package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.servlet.client.RestTestClient;

/** The cluster profile: the service is a member that runs "render", and cluster runs start over REST. */
@ClusterSampleTest
class ClusterRunsTest {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> RUNS = new ParameterizedTypeReference<>() {
    };
    private static final ParameterizedTypeReference<Map<String, Object>> RUN = new ParameterizedTypeReference<>() {
    };

    @Autowired
    private RestTestClient client;

    @Test
    void aClusterRunStartedOverRestRunsEveryTaskOnTheMembers() {
        Map<String, Object> started = client.post().uri("/api/cluster-runs?count=200&millis=1").exchange()
                .expectStatus().isCreated().returnResult(RUN).getResponseBody();
        String id = String.valueOf(started.get("id"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> runs = client.get().uri("/api/cluster-runs").exchange().expectStatus().isOk()
                    .returnResult(RUNS).getResponseBody();
            assertThat(runs).filteredOn(run -> id.equals(String.valueOf(run.get("id")))).singleElement()
                    .satisfies(run -> {
                        assertThat(run).containsEntry("succeeded", 200).containsEntry("resubmitted", 0);
                        assertThat((Map<?, ?>) run.get("completedByMember")).hasSize(1);
                        assertThat((List<?>) run.get("members")).singleElement().asInstanceOf(
                                org.assertj.core.api.InstanceOfAssertFactories.MAP)
                                .containsEntry("completed", 200).containsEntry("running", 0)
                                .containsEntry("resubmissions", 0).containsEntry("left", false)
                                .containsKey("address");
                    });
        });
    }

    @Test
    void aClusterRunIsCancelledOverRest() {
        String id = String.valueOf(client.post().uri("/api/cluster-runs?count=100000&millis=100").exchange()
                .expectStatus().isCreated().returnResult(RUN).getResponseBody().get("id"));
        Map<String, Object> answer = client.delete().uri("/api/cluster-runs/" + id).exchange().expectStatus().isOk()
                .returnResult(RUN).getResponseBody();
        assertThat(answer).containsEntry("id", id);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Object> run = client.get().uri("/api/cluster-runs").exchange().expectStatus().isOk()
                    .returnResult(RUNS).getResponseBody().stream()
                    .filter(r -> id.equals(String.valueOf(r.get("id")))).findFirst().orElseThrow();
            assertThat(run).containsEntry("state", "CANCELLED");
            // the source is read no further: far fewer than the 100,000 inputs were taken
            assertThat(((Number) run.get("succeeded")).longValue() + ((Number) run.get("cancelled")).longValue())
                    .isLessThan(100_000);
        });
    }

    @Test
    void cancellingAnUnknownClusterRunIsA404NamingIt() {
        client.delete().uri("/api/cluster-runs/no-such-run").exchange().expectStatus().isNotFound()
                .expectBody(String.class).value(body -> assertThat(body).contains("no run with id 'no-such-run'"));
    }

    @Test
    void theGrafanaDashboardsClusterPanelsFindTheirMetrics() throws IOException {
        assertThat(GrafanaDashboardTest.series(GrafanaDashboardTest.scrape(client)))
                .as("series of /actuator/prometheus").containsAll(GrafanaDashboardTest.metricsQueried(true));
    }

    /**
     * Cluster runs obey {@code sample.max-active-runs} as local runs do. Before, every POST started one (15 runs of
     * 1,000,000 one-second tasks were taken), while those same runs made every local {@code POST /api/runs} a 429.
     */
    @Test
    void clusterRunsPastTheMostActiveRunsAreRefusedWithA429() {
        List<String> started = new java.util.ArrayList<>();
        try {
            boolean refused = false;
            for (int post = 0; post < 20 && !refused; post++) {
                var answer = client.post().uri("/api/cluster-runs?count=100000&millis=999").exchange()
                        .returnResult(RUN);
                if (answer.getStatus().value() == 201) {
                    started.add(String.valueOf(answer.getResponseBody().get("id")));
                } else {
                    assertThat(answer.getStatus().value()).isEqualTo(429);
                    assertThat(answer.getResponseHeaders().getFirst("Retry-After")).isNotNull();
                    assertThat(String.valueOf(answer.getResponseBody().get("detail")))
                            .contains("sample.max-active-runs");
                    refused = true;
                }
            }
            assertThat(refused).as("a 429 among 20 posts (sample.max-active-runs is 8)").isTrue();
            assertThat(started).hasSizeLessThanOrEqualTo(8);
        } finally {
            started.forEach(id -> client.delete().uri("/api/cluster-runs/" + id).exchange());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.get().uri("/api/cluster-runs")
                .exchange().expectStatus().isOk().returnResult(RUNS).getResponseBody())
                .filteredOn(run -> started.contains(String.valueOf(run.get("id"))))
                .allSatisfy(run -> assertThat(run).containsEntry("state", "CANCELLED")));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheirNames() {
        client.post().uri("/api/cluster-runs?count=0&millis=5000").exchange().expectStatus().isBadRequest()
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("count must be 1 to 1000000, was 0").contains("millis must be 0 to 999, was 5000"));
    }
}
