package io.github.parallelized.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * A few seeds of {@code fuzz}: the four that hung before stop 30's fix (ordered asynchronous runs with a concurrency
 * limit below their tasks in flight: each hung every time), and a range of others. Each run is bounded by the fuzz
 * itself (a minute), and a broken promise is printed with the run's stacks.
 */
class FuzzSmokeTest {

    @Test
    void theSeedsThatHungAndAFewOthersKeepEveryPromise() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int bad = 0;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            for (long seed : new long[] {1134, 3207, 50436, 51729}) {
                bad += Fuzz.run(seed, 1, out);
            }
            bad += Fuzz.run(1, 40, out);
        }
        assertThat(bad).as(buffer.toString(StandardCharsets.UTF_8)).isZero();
    }
}
