package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.Summary;

/**
 * The real crash: three member JVMs, a client submitter in this JVM, and kill -9 ({@link Process#destroyForcibly()},
 * SIGKILL on Linux) of one member mid-run. Every input gets exactly one outcome; the tasks queued or running on the
 * victim are resubmitted; tasks run twice at most as many as were running on the victim.
 */
class CrashTest {

    private static final int TASKS = 3_000;
    private static final int POOL = 16;
    private final List<Process> members = new ArrayList<>();
    private HazelcastInstance client;

    @TempDir
    Path logs;

    @AfterEach
    void stop() {
        if (client != null) {
            client.getLifecycleService().terminate();
        }
        members.forEach(Process::destroyForcibly);
    }

    /** Starts three member JVMs and a client of them; {@code heartbeatSeconds} 0 keeps the tests' default. */
    private ParallelizedCluster startCluster(int heartbeatSeconds) throws IOException {
        String name = "parallelized-crash-" + UUID.randomUUID();
        int basePort = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
        AtomicInteger ready = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            members.add(startMember(name, basePort, ready, heartbeatSeconds));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> ready.get() == 3);
        ClientConfig config = TestCluster.clientConfig(name, basePort);
        if (heartbeatSeconds > 0) {
            // the client hears of members through one of them: when that one is the frozen member, only the client's
            // own heartbeat timeout (60 s by default) tells it
            config.setProperty("hazelcast.client.heartbeat.interval", "1000");
            config.setProperty("hazelcast.client.heartbeat.timeout", String.valueOf(heartbeatSeconds * 1000));
        }
        client = HazelcastClient.newHazelcastClient(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.getCluster().getMembers().size() == 3);
        return ParallelizedCluster.on(client);
    }

    @Test
    void killMinus9OfAMemberMidRunLosesNoInput() throws Exception {
        ParallelizedCluster cluster = startCluster(0);

        List<Outcome<long[], Long>> outcomes = new ArrayList<>();
        ClusterRunStats[] stats = new ClusterRunStats[1];
        Summary[] summary = new Summary[1];
        java.util.List<java.util.Map<String, Object>> postfix = new java.util.ArrayList<>();
        long[] timing = new long[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // at the defaults: 16 running and 16 next in line on each member, the rest waiting on the submitter
            try (Parallelized<long[], Long> run = cluster.<long[], Long>of("work",
                    LongStream.range(0, TASKS).mapToObj(i -> new long[] {i, 10}))
                    .progress(ProgressReporter.none()).start()) {
                long start = System.nanoTime();
                Iterator<Outcome<long[], Long>> it = run.iterator();
                for (int i = 0; i < TASKS / 3; i++) {
                    outcomes.add(it.next());
                }
                members.get(2).destroyForcibly();
                it.forEachRemaining(outcomes::add);
                timing[0] = System.nanoTime() - start;
                stats[0] = cluster.stats(run).orElseThrow();
                summary[0] = run.summary();
                postfix.add(run.progress().snapshot().postfix());
            }
        });

        Map<Long, Long> startsPerInput = startsPerInput();
        long doubles = startsPerInput.values().stream().filter(n -> n > 1).count();
        Map<Long, Long> outcomesPerInput = outcomes.stream()
                .collect(Collectors.groupingBy(o -> o.input()[0], Collectors.counting()));
        System.out.printf("kill -9 of 1 of 3 member JVMs after %d of %d outcomes (10 ms tasks, pool %d each, defaults):"
                        + " %d outcomes for %d inputs, %d failed, %d resubmitted, %d ran twice; %s; %d ms%n",
                TASKS / 3, TASKS, POOL, outcomes.size(), outcomesPerInput.size(),
                outcomes.stream().filter(o -> !o.isSuccess()).count(), stats[0].resubmissions(), doubles,
                stats[0].completedByMember(), timing[0] / 1_000_000);

        assertThat(outcomes).hasSize(TASKS).allMatch(Outcome::isSuccess);
        assertThat(outcomesPerInput).hasSize(TASKS).allSatisfy((input, count) -> assertThat(count).isOne());
        assertThat(stats[0].resubmissions()).isPositive();
        MembershipTest.assertResubmissionsShown(outcomes, stats[0], summary[0], postfix.get(0));
        assertThat(startsPerInput).hasSize(TASKS);
        // only a task in flight on the victim can have run twice: running (at most 16), or done with its answer
        // still on the way (the 16 next in line there had not started; those waiting on the submitter never left)
        assertThat(doubles).isLessThanOrEqualTo(2 * POOL + 2).isLessThanOrEqualTo(stats[0].resubmissions());
    }

    /**
     * A frozen member (SIGSTOP: its connections stay open, it answers nothing) is seen only after the heartbeat
     * timeout, here 5 s (the members' and the client's): its tasks wait that long, then go to the other members. Every
     * input still gets exactly one outcome. (About 5 s of waiting in this test, plus the JVMs' start.)
     */
    @Test
    void aFrozenMemberIsDroppedAfterTheHeartbeatTimeoutAndItsTasksResubmitted() throws Exception {
        ParallelizedCluster cluster = startCluster(5);
        List<Outcome<long[], Long>> outcomes = new ArrayList<>();
        ClusterRunStats[] stats = new ClusterRunStats[1];
        Summary[] summary = new Summary[1];
        java.util.List<java.util.Map<String, Object>> postfix = new java.util.ArrayList<>();
        Process frozen = members.get(2);
        long[] timing = new long[1];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            try (Parallelized<long[], Long> run = cluster.<long[], Long>of("work",
                    LongStream.range(0, TASKS).mapToObj(i -> new long[] {i, 10}))
                    .progress(ProgressReporter.none()).start()) {
                Iterator<Outcome<long[], Long>> it = run.iterator();
                for (int i = 0; i < TASKS / 3; i++) {
                    outcomes.add(it.next());
                }
                signal("STOP", frozen);
                long frozenAt = System.nanoTime();
                it.forEachRemaining(outcomes::add);
                timing[0] = System.nanoTime() - frozenAt;
                stats[0] = cluster.stats(run).orElseThrow();
                summary[0] = run.summary();
                postfix.add(run.progress().snapshot().postfix());
            }
        });
        Map<Long, Long> outcomesPerInput = outcomes.stream()
                .collect(Collectors.groupingBy(o -> o.input()[0], Collectors.counting()));
        System.out.printf("SIGSTOP of 1 of 3 member JVMs after %d of %d outcomes (heartbeat timeout 5 s): %d outcomes"
                        + " for %d inputs, %d failed, %d resubmitted; %s; the rest took %d ms%n", TASKS / 3, TASKS,
                outcomes.size(), outcomesPerInput.size(), outcomes.stream().filter(o -> !o.isSuccess()).count(),
                stats[0].resubmissions(), stats[0].completedByMember(), timing[0] / 1_000_000);
        assertThat(outcomes).hasSize(TASKS).allMatch(Outcome::isSuccess);
        assertThat(outcomesPerInput).hasSize(TASKS).allSatisfy((input, count) -> assertThat(count).isOne());
        assertThat(stats[0].resubmissions()).isPositive();
        MembershipTest.assertResubmissionsShown(outcomes, stats[0], summary[0], postfix.get(0));
        // the client may have given up on the frozen member (its own heartbeat) just before the members dropped it
        await().atMost(Duration.ofSeconds(30)).until(() -> client.getCluster().getMembers().size() == 2);
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private Process startMember(String name, int basePort, AtomicInteger ready, int heartbeatSeconds)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // what Hazelcast asks for on Java 9+, as in the module's surefire argLine
                "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=none",
                "-cp", System.getProperty("java.class.path"), MemberMain.class.getName(),
                name, String.valueOf(basePort), String.valueOf(POOL), logs.toString()));
        if (heartbeatSeconds > 0) {
            command.add(String.valueOf(heartbeatSeconds));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the member died: its output ends
            }
        }, "crash-test-member-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private Map<Long, Long> startsPerInput() throws IOException {
        Map<Long, Long> starts = new HashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            files.forEach(file -> {
                try {
                    for (String line : Files.readAllLines(file)) {
                        if (!line.isBlank()) {
                            starts.merge(Long.parseLong(line), 1L, Long::sum);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return starts;
    }
}
