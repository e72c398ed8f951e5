package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatedApiTest {

    private static final long MS = 1_000_000L;

    @Test
    void answers429WithRetryAfterAboveItsRateAndAcceptsAgainWhenTheWindowMoves() throws Exception {
        AtomicLong clock = new AtomicLong();
        SimulatedApi api = new SimulatedApi(3, 0, clock::get);
        assertThat(api.call(1)).isEqualTo("answer 1");
        clock.set(100 * MS);
        api.call(2);
        api.call(3);
        clock.set(400 * MS);
        assertThatThrownBy(() -> api.call(4)).isInstanceOfSatisfying(SimulatedApi.TooManyRequests.class,
                tooMany -> assertThat(tooMany.retryAfter()).isEqualTo(Duration.ofMillis(600)))
                .hasMessage("HTTP 429 Too Many Requests, Retry-After 600 ms");
        clock.set(1000 * MS);
        assertThat(api.call(4)).isEqualTo("answer 4");
        assertThatThrownBy(() -> api.call(5)).isInstanceOf(SimulatedApi.TooManyRequests.class);
    }
}
