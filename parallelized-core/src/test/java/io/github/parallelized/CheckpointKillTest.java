package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demonstration: a submitting JVM is killed ({@code destroyForcibly()}, SIGKILL) at about 40 % of a
 * checkpointed run of 20,000 inputs into an H2 file database with {@code WRITE_DELAY=0}; a new JVM resumes it.
 * Every input succeeds at least once, at most the window plus 1,000 run twice, and a third run skips them all.
 */
class CheckpointKillTest {

    static final int INPUTS = 20_000;

    @TempDir
    Path dir;

    @Test
    void aRunKilledAtFortyPercentResumesInANewJvm() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("checkpoints") + ";WRITE_DELAY=0";
        Path log = dir.resolve("executions.log");
        Files.createFile(log);

        Process first = child(url, log);
        await("the first JVM reaches 40 %").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(10)).until(() -> {
                    assertThat(first.isAlive()).as("the first JVM ended before 40 %%: %s", output(first)).isTrue();
                    return lines(log).size() >= INPUTS * 4 / 10;
                });
        first.destroyForcibly();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int beforeKill = lines(log).size();
        assertThat(beforeKill).isLessThan(INPUTS);

        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        long recorded = CheckpointStore.jdbc(dataSource).succeeded("killed");
        assertThat(recorded).as("flushed before the kill").isPositive().isLessThanOrEqualTo(beforeKill);

        String second = finish(child(url, log));
        assertThat(second).contains("RESULT skipped=" + recorded + " succeeded=" + (INPUTS - recorded));

        Map<String, Integer> executions = new HashMap<>();
        for (String line : lines(log)) {
            executions.merge(line, 1, Integer::sum);
        }
        assertThat(executions).hasSize(INPUTS);
        long doubled = executions.values().stream().filter(n -> n > 1).count();
        assertThat(executions.values()).allMatch(n -> n <= 2);
        System.out.printf("killed at %d executions, %d recorded; %d inputs ran twice%n", beforeKill, recorded, doubled);
        assertThat(doubled).as("inputs run twice").isLessThanOrEqualTo(
                CheckpointKillChild.MAX_IN_FLIGHT + CheckpointRecorder.MAX_UNFLUSHED);
        assertThat(CheckpointStore.jdbc(dataSource).succeeded("killed")).isEqualTo(INPUTS);

        int afterResume = lines(log).size();
        String third = finish(child(url, log));
        assertThat(third).contains("RESULT skipped=" + INPUTS + " succeeded=0");
        assertThat(lines(log)).hasSize(afterResume);
    }

    private static List<String> lines(Path log) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.US_ASCII));
        // the line being written at the kill may be cut: only whole lines count
        if (!lines.isEmpty() && !Files.readString(log, StandardCharsets.US_ASCII).endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private final Map<Process, Path> outputs = new HashMap<>();

    private Process child(String url, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = dir.resolve("child-" + outputs.size() + ".out");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CheckpointKillChild.class.getName(), url, log.toString(), Integer.toString(INPUTS))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        outputs.put(process, output);
        return process;
    }

    private String finish(Process process) throws Exception {
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = output(process);
        assertThat(ended).as("the child JVM ended within 120 s: %s", output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private String output(Process process) throws IOException {
        return Files.readString(outputs.get(process));
    }
}
