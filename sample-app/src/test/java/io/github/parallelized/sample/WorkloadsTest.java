package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    @Test
    void cpuHashingIsDeterministicPerInput() throws Exception {
        var hash = Workloads.cpu(10);
        assertThat(hash.apply(1)).hasSize(16).isEqualTo(hash.apply(1)).isNotEqualTo(hash.apply(2));
    }

    @Test
    void ioAnswersWithoutWaitingWhenTheLatencyIsZero() throws Exception {
        assertThat(Workloads.io(0).apply(4)).isEqualTo("response 4 after 0 ms");
    }

    @Test
    void ioStopsWhenInterrupted() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Workloads.io(10_000).apply(1)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void flakyFailsWhenTheDrawIsBelowTheRate() throws Exception {
        assertThatThrownBy(() -> Workloads.flaky(0.5, 0, () -> 0.49).apply(3))
                .isInstanceOf(IOException.class).hasMessage("simulated failure of call 3");
        assertThat(Workloads.flaky(0.5, 0, () -> 0.5).apply(3)).startsWith("response 3");
    }
}
