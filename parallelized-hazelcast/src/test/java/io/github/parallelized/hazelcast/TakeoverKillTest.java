package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * Run takeover after a real crash: two data members in this JVM count every execution per input; a submitter JVM (a
 * lite member) runs the named run of 20,000 inputs and is killed with kill -9 ({@link Process#destroyForcibly()},
 * SIGKILL on Linux) at about 40 %; the run is then orphaned, and a second submitter JVM (a client) resumes it. Every
 * input ends with one recorded success, the resumed run skips exactly what had succeeded, and the inputs run twice are
 * at most those in flight plus one flush batch.
 */
class TakeoverKillTest {

    private static final int INPUTS = 20_000;
    private static final int THREADS = 16;
    private static final int IN_FLIGHT = 32;
    /** What the checkpoint may hold back unwritten at a kill (the core's bound: one flush batch, at most 1,000). */
    private static final int UNFLUSHED = 1_000;
    private static final Map<Integer, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

    private final List<Process> submitters = new ArrayList<>();
    private TestCluster cluster;

    @AfterEach
    void stop() {
        submitters.forEach(Process::destroyForcibly);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRunWhoseSubmitterWasKilledIsResumedByAnotherJvmSkippingWhatSucceeded() throws Exception {
        cluster = new TestCluster(2, THREADS / 2);
        for (var member : cluster.members) {
            ParallelizedCluster.on(member).register("takeover-work", (Integer i) -> {
                EXECUTIONS.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(1);
                return i;
            });
        }
        ParallelizedCluster view = ParallelizedCluster.on(cluster.members.get(0));
        CheckpointStore store = view.checkpointStore();
        String run = "takeover-" + cluster.name;
        List<Integer> inputs = IntStream.range(0, INPUTS).boxed().toList();

        // the first submitter, killed at about 40 %
        AtomicLong outcomes = new AtomicLong();
        Process first = submitter("lite", "start", run, outcomes, new AtomicReference<>());
        await().atMost(Duration.ofSeconds(90)).until(() -> outcomes.get() > 0 || !first.isAlive());
        assertThat(first.isAlive()).as("the first submitter runs").isTrue();
        // a second submitter while the first runs: refused, naming the run
        assertThatThrownBy(() -> view.resumable(run, "takeover-work", inputs, String::valueOf))
                .isInstanceOf(RunInProgressException.class).hasMessageContaining("Run '" + run + "' is running on member");
        await().atMost(Duration.ofSeconds(90)).until(() -> outcomes.get() >= INPUTS * 2 / 5 || !first.isAlive());
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = outcomes.get();

        // seen orphaned by the members as soon as the submitter has left the cluster
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(view.orphanedRuns())
                .extracting(NamedRun::name).contains(run));
        // its last writes were on the way when it died: the count settles
        long[] recorded = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long before = recorded[0];
            recorded[0] = store.succeeded(run);
            return before == recorded[0];
        });
        long executedBefore = EXECUTIONS.values().stream().mapToLong(AtomicInteger::get).sum();

        // a second submitter JVM, a client, takes the run over
        AtomicReference<String> summary = new AtomicReference<>();
        Process second = submitter("client", "resume", run, new AtomicLong(), summary);
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("the second submitter ends").isTrue();
        assertThat(second.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> summary.get() != null);
        String[] figures = summary.get().split(" ");

        long reruns = EXECUTIONS.values().stream().mapToLong(n -> n.get() - 1).sum();
        long inputsRunTwice = EXECUTIONS.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("takeover after kill -9 of the submitter at %d of %d outcomes: %d successes recorded, %d "
                        + "executions before the resume; resumed: %s; %d executions in all, %d re-runs (%d inputs ran more "
                        + "than once), bound %d%n", killedAt, INPUTS, recorded[0], executedBefore, summary.get(),
                INPUTS + reruns, reruns, inputsRunTwice, IN_FLIGHT + UNFLUSHED);

        assertThat(figures[1]).isEqualTo("COMPLETED");
        assertThat(Long.parseLong(figures[4])).as("skipped = what had succeeded").isEqualTo(recorded[0]);
        assertThat(Long.parseLong(figures[2])).as("succeeded on resume").isEqualTo(INPUTS - recorded[0]);
        assertThat(Long.parseLong(figures[3])).as("failed on resume").isZero();
        assertThat(store.succeeded(run)).isEqualTo(INPUTS);
        assertThat(store.failedCount(run)).isZero();
        assertThat(EXECUTIONS).hasSize(INPUTS);
        assertThat(EXECUTIONS.values()).as("an input in flight at the kill runs once more, no more")
                .allMatch(n -> n.get() <= 2);
        assertThat(reruns).isLessThanOrEqualTo(IN_FLIGHT + UNFLUSHED);
        NamedRun after = view.namedRun(run).orElseThrow();
        assertThat(after.state()).isEqualTo(NamedRun.State.FINISHED);
        assertThat(after.takeovers()).isOne();
        assertThat(after.submitter()).startsWith("client ");

        // a third start, here, skips everything and runs nothing
        try (Parallelized<Integer, Integer> third = view.<Integer, Integer>resume(run, inputs, String::valueOf)
                .progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> ignored : third) {
                // nothing comes
            }
            assertThat(third.summary().skipped()).isEqualTo(INPUTS);
            assertThat(third.summary().succeeded()).isZero();
        }
        assertThat(EXECUTIONS.values().stream().mapToLong(n -> n.get() - 1).sum()).isEqualTo(reruns);
    }

    /** Starts a submitter JVM; {@code outcomes} follows its progress, {@code summary} gets its summary line. */
    private Process submitter(String kind, String action, String run, AtomicLong outcomes,
                              AtomicReference<String> summary) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=none",
                "-cp", System.getProperty("java.class.path"), SubmitterMain.class.getName(),
                kind, cluster.name, String.valueOf(cluster.basePort), action, run, String.valueOf(INPUTS),
                String.valueOf(THREADS), String.valueOf(IN_FLIGHT));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        submitters.add(process);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("OUTCOMES ")) {
                        outcomes.set(Long.parseLong(line.substring(9).trim()));
                    } else if (line.startsWith("SUMMARY ")) {
                        summary.set(line);
                    } else {
                        System.out.println("[" + kind + " submitter] " + line);
                    }
                }
            } catch (IOException e) {
                // the submitter died: its output ends
            }
        }, "takeover-test-submitter-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }
}
