package io.github.parallelized.spring;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** With no access property, the endpoint reads but cannot cancel: anyone who reaches it could otherwise. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=parallelized")
@AutoConfigureRestTestClient
class ParallelizedEndpointAccessTests {

    @Autowired
    private ParallelizedFactory factory;

    @Autowired
    private RestTestClient http;

    @Test
    void theEndpointIsReadOnlyByDefault() throws Exception {
        Gate gate = new Gate();
        Parallelized<Integer, Integer> run = factory.<Integer, Integer>of(i -> {
            gate.pass();
            return i;
        }, IntStream.range(0, 3).boxed().toList()).numThreads(1).start();
        var outcomes = Gate.consume(run);
        try {
            http.get().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isOk();
            http.delete().uri("/actuator/parallelized/{id}", run.id()).exchange().expectStatus().isEqualTo(405);
            assertThat(run.isCancelled()).isFalse();
        } finally {
            gate.open();
        }
        assertThat(outcomes.get(10, TimeUnit.SECONDS)).hasSize(3).allMatch(Outcome::isSuccess);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
