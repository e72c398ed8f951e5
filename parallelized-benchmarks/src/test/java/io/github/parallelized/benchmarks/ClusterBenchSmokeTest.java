package io.github.parallelized.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The cluster rows in smoke mode: three member JVMs really start, every row runs every input to its result, and the
 * table has all rows. The members are killed at the end however the run ends (close, the JVM's exit, or their
 * parent's death). Timings are never asserted.
 */
class ClusterBenchSmokeTest {

    @Test
    void theClusterBenchRunsEveryRowOnThreeMemberJvms() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        assertTimeoutPreemptively(Duration.ofSeconds(150), () -> {
            try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                ClusterBench.compare(1, 0, ClusterBench.SMOKE_SLEEP_TASKS, ClusterBench.SMOKE_PARK_TASKS,
                        ClusterBench.SMOKE_NOOP_TASKS, out);
            }
        });
        String printed = buffer.toString(StandardCharsets.UTF_8);
        for (String row : ClusterBench.rows()) {
            assertThat(printed).contains("measured round 0 " + row + ": ");
        }
        assertThat(printed).contains("3 member JVMs (pool 8 each)");
        List<String> table = printed.lines().filter(line -> line.startsWith("| ") && !line.startsWith("| workload"))
                .toList();
        assertThat(table).hasSize(ClusterBench.rows().size());
        assertThat(table).filteredOn(line -> line.startsWith("| 300 x 10 ms | ")).hasSize(2);
        assertThat(table).filteredOn(line -> line.startsWith("| 1000 x 100 us | ")).hasSize(2);
        assertThat(table).filteredOn(line -> line.startsWith("| 3000 noop | ")).hasSize(2);
        assertThat(table).filteredOn(line -> line.contains(" | cluster, defaults | ")).hasSize(3);
        // the last columns: the processor time of all four JVMs and its JIT part, or "-" without /proc
        assertThat(table).allMatch(line -> line.matches(
                "\\| .+ \\| .+ \\| \\d+ \\| \\d+ \\| [\\d,]+ \\| \\d+\\.\\d\\dx \\| (\\d+|-) \\| (\\d+|-) \\|"));
    }
}
