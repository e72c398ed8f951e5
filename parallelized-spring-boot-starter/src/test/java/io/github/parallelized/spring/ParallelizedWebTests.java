package io.github.parallelized.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole starter in a real web application: metrics, Prometheus and the endpoint over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.endpoints.web.exposure.include=parallelized,metrics,prometheus",
    "management.endpoint.parallelized.access=unrestricted",
    "parallelized.num-threads=2"})
@AutoConfigureMetrics
@AutoConfigureRestTestClient
class ParallelizedWebTests {

    @Autowired
    private ParallelizedFactory factory;

    @Autowired
    private RestTestClient http;

    @Test
    void metricsPrometheusAndEndpointDuringAndAfterARun() throws Exception {
        Gate gate = new Gate();
        Parallelized<Integer, Integer> run = factory.<Integer, Integer>of(i -> {
            if (i == 3) {
                throw new IllegalStateException("boom");
            }
            if (i >= 4) {
                gate.pass();
            }
            return i;
        }, IntStream.range(0, 10).boxed().toList()).desc("web batch").start();
        run.pbar().setPostfix(Map.of("status", "x"));

        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(gauge("web batch", "succeeded")).isEqualTo(3.0);
            assertThat(gauge("web batch", "failed")).isEqualTo(1.0);
            assertThat(gauge("web batch", "running")).isEqualTo(2.0);
        });
        assertThat(gauge("web batch", "pending")).isEqualTo(4.0);
        assertThat(prometheus()).contains("parallelized_tasks{batch=\"web batch\",state=\"running\"} 2")
                .contains("parallelized_progress{batch=\"web batch\"} 0.4");
        http.get().uri("/actuator/parallelized").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.runs[?(@.id == '" + run.id() + "')].state").isEqualTo(List.of("RUNNING"));
        http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(run.id())
                .jsonPath("$.desc").isEqualTo("web batch")
                .jsonPath("$.state").isEqualTo("RUNNING")
                .jsonPath("$.total").isEqualTo(10)
                .jsonPath("$.pending").isEqualTo(4)
                .jsonPath("$.running").isEqualTo(2)
                .jsonPath("$.succeeded").isEqualTo(3)
                .jsonPath("$.failed").isEqualTo(1)
                .jsonPath("$.cancelled").isEqualTo(0)
                .jsonPath("$.completed").isEqualTo(4)
                .jsonPath("$.fraction").isEqualTo(0.4)
                .jsonPath("$.ratePerSecond").isNumber()
                .jsonPath("$.elapsedSeconds").isNumber()
                .jsonPath("$.etaSeconds").isNumber()
                .jsonPath("$.postfix.status").isEqualTo("x")
                .jsonPath("$.startTime").value(String.class,
                        start -> assertThat(start).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));

        Map<?, ?> json = http.get().uri("/actuator/parallelized/{id}", run.id()).exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(json).isNotNull();
        assertThat(json.keySet()).map(Object::toString).containsExactlyInAnyOrder("id", "desc", "state", "total", "pending", "running",
                "succeeded", "failed", "cancelled", "completed", "fraction", "ratePerSecond", "elapsedSeconds",
                "etaSeconds", "postfix", "startTime", "skipped");

        gate.open();
        List<Outcome<Integer, Integer>> outcomes = Gate.drain(run);
        assertThat(outcomes).hasSize(10);

        assertThat(gauge("web batch", "succeeded")).isEqualTo(9.0);
        assertThat(gauge("web batch", "running")).isEqualTo(0.0);
        assertThat(prometheus()).contains("parallelized_tasks{batch=\"web batch\",state=\"succeeded\"} 9")
                .contains("parallelized_task_duration_seconds_count{batch=\"web batch\",outcome=\"failure\"} 1")
                .contains("parallelized_task_duration_seconds_count{batch=\"web batch\",outcome=\"success\"} 9")
                .contains("parallelized_batches_active");
        http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.state").isEqualTo("COMPLETED")
                .jsonPath("$.succeeded").isEqualTo(9)
                .jsonPath("$.failed").isEqualTo(1)
                .jsonPath("$.pending").isEqualTo(0)
                .jsonPath("$.fraction").isEqualTo(1.0)
                .jsonPath("$.etaSeconds").isEqualTo(0.0);
    }

    @Test
    void deleteCancelsTheRunAndItsConsumerReceivesTheCancelledOutcomes() throws Exception {
        Gate never = new Gate();
        Parallelized<Integer, Integer> run = factory.<Integer, Integer>of(i -> {
            never.pass();
            return i;
        }, IntStream.range(0, 20).boxed().toList()).desc("web cancel").start();
        CompletableFuture<Gate.Accounted<Integer, Integer>> outcomes = Gate.consumeAll(run);

        http.delete().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(run.id())
                .jsonPath("$.desc").isEqualTo("web cancel");

        Gate.Accounted<Integer, Integer> accounted = outcomes.get(20, TimeUnit.SECONDS);
        assertThat(accounted.outcomes()).isNotEmpty().allMatch(Outcome::isCancelled);
        assertThat(accounted.size()).as("outcomes plus the unread rest").isEqualTo(20);
        http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.state").isEqualTo("CANCELLED")
                .jsonPath("$.cancelled").isEqualTo(accounted.outcomes().size());
    }

    @Test
    void postfixValuesOfAnyTypeAreShownAsTextAndNeverBreakTheEndpoint() {
        Gate gate = new Gate();
        Parallelized<Integer, Integer> run = factory.<Integer, Integer>of(i -> {
            gate.pass();
            return i;
        }, List.of(1)).desc("web odd postfix").start();
        try {
            Map<String, Object> postfix = new LinkedHashMap<>();
            postfix.put("opaque", new Object() {   // no properties: Jackson refuses it, and the endpoint failed
                @Override
                public String toString() {
                    return "opaque";
                }
            });
            postfix.put("lying", new Object() {
                @Override
                public String toString() {
                    throw new IllegalStateException("toString() lies");
                }
            });
            postfix.put(null, "a null key");        // JSON has no null key: Jackson refuses it too
            postfix.put("count", 3);
            postfix.put("ok", true);
            postfix.put("none", null);
            run.pbar().setPostfix(postfix);
            http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.postfix.opaque").isEqualTo("opaque")
                    .jsonPath("$.postfix.lying").value(String.class,
                            text -> assertThat(text).contains("toString() threw IllegalStateException"))
                    .jsonPath("$.postfix.null").isEqualTo("a null key")
                    .jsonPath("$.postfix.count").isEqualTo(3)
                    .jsonPath("$.postfix.ok").isEqualTo(true);
            http.get().uri("/actuator/parallelized").exchange().expectStatus().isOk();
        } finally {
            gate.open();
            run.close();
        }
    }

    @Test
    void unknownRunIsNotFound() {
        http.get().uri("/actuator/parallelized/no-such-run").exchange().expectStatus().isNotFound();
        http.delete().uri("/actuator/parallelized/no-such-run").exchange().expectStatus().isNotFound();
    }

    @Test
    void unknownTotalShowsNullFractionAndEta() {
        Gate gate = new Gate();
        Parallelized<Integer, Integer> run = factory.<Integer, Integer>of(i -> {
            gate.pass();
            return i;
        }, IntStream.range(0, 3).iterator()).desc("web unsized").start();
        try {
            http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.total").isEqualTo(-1)
                    .jsonPath("$.fraction").value(value -> assertThat(value).isNull())
                    .jsonPath("$.etaSeconds").value(value -> assertThat(value).isNull());
            String body = http.get().uri("/actuator/parallelized/{id}", run.id()).exchange()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).contains("\"fraction\":null").contains("\"etaSeconds\":null");
        } finally {
            gate.open();
            Gate.drain(run);
        }
    }

    private double gauge(String batch, String state) {
        Map<?, ?> body = http.get().uri("/actuator/metrics/parallelized.tasks?tag=batch:{batch}&tag=state:{state}",
                batch, state).exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        List<?> measurements = (List<?>) body.get("measurements");
        return ((Number) ((Map<?, ?>) measurements.get(0)).get("value")).doubleValue();
    }

    private String prometheus() {
        return http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebApplication {
    }
}
