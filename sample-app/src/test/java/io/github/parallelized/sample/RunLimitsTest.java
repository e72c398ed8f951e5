package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = {"sample.demo.enabled=false", "sample.max-active-runs=1"})
class RunLimitsTest {

    @Autowired
    private RunService service;

    @Test
    void refusesARunBeyondTheActiveLimitUntilOneEnds() {
        RunView first = service.start(new RunRequest("io", 10, null, 1, null, 10_000, null, null));

        assertThatThrownBy(() -> service.start(RunRequest.of("cpu", 1)))
                .isInstanceOf(TooManyRunsException.class)
                .hasMessageContaining("sample.max-active-runs");

        service.cancel(first.id());
        await().until(() -> service.find(first.id()).orElseThrow().summary() != null);
        assertThat(service.start(RunRequest.of("cpu", 1)).id()).isNotEqualTo(first.id());
    }
}
