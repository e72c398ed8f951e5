package io.github.parallelized.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The compare runner in smoke mode (a few seconds): every system gives every input's result on every workload
 * and the table has all rows. Timings are never asserted: this machine's are too noisy for that.
 */
class CompareSmokeTest {

    @Test
    void everySystemRunsEveryWorkloadAndTheTableHasAllRows() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Report report;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            report = new Compare(CompareOptions.parse("--smoke")).run(out);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);

        List<String> workloads = new java.util.ArrayList<>(List.of("noop-1t", "noop-2t", "noop-4t", "fixed-10",
                "cpu-1t", "cpu-2t", "sleep", "stream -Xmx32m"));
        if (VirtualExecutors.available()) {
            workloads.add("sleep-virtual");
        }
        List<String> systems = BenchSystem.all(Metrics::reporter).stream().map(BenchSystem::name).toList();
        assertThat(systems).hasSize(10).contains("ecs", "ecs-submit-all", "cf-submit-all", "parallelized-ordered");
        for (String workload : workloads) {
            for (String system : systems) {
                Report.Row row = report.row(workload, system);
                assertThat(row).as(workload + " on " + system).isNotNull();
                if (workload.equals("sleep-virtual") && system.equals("parallel-stream+pb")) {
                    assertThat(row.failure).isEqualTo("n/a");
                } else {
                    assertThat(row.failure).as(workload + " on " + system).isNull();
                    assertThat(row.samples).as(workload + " on " + system).hasSize(1);
                }
                assertThat(printed).contains("| " + workload + " | ").contains(" | " + system + " | ");
            }
        }
        assertThat(report.rows).hasSize(workloads.size() * systems.size());
        assertThat(printed.lines().filter(line -> line.startsWith("| ") && !line.startsWith("| workload")))
                .hasSize(workloads.size() * systems.size());
        assertThat(Metrics.registry().find("parallelized.task.duration").timers()).isNotEmpty();
    }

    @Test
    void theJmhAnnotationProcessorRan() {
        assertThat(getClass().getClassLoader().getResource("META-INF/BenchmarkList")).isNotNull();
    }
}
