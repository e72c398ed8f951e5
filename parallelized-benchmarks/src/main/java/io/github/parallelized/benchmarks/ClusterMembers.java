package io.github.parallelized.benchmarks;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.hazelcast.ParallelizedCluster;

/**
 * Member JVMs on this machine for the cluster rows, on loopback only, in a cluster of their own (a random name
 * and port range), and a client of them in this JVM. Closing kills the members.
 */
final class ClusterMembers implements AutoCloseable {

    private final String name = "parallelized-bench-" + UUID.randomUUID();
    private final int basePort = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
    private final List<Process> processes = new ArrayList<>();
    /** Kills the members if this JVM ends without {@link #close()} (a test abandoned at its timeout, Ctrl-C). */
    private final Thread killer = new Thread(() -> processes.forEach(Process::destroyForcibly), "cluster-members-killer");
    private HazelcastInstance client;

    private ClusterMembers() {
    }

    static ClusterMembers start(int count, int pool, Path logs) throws IOException, InterruptedException {
        ClusterMembers members = new ClusterMembers();
        Runtime.getRuntime().addShutdownHook(members.killer);
        CountDownLatch ready = new CountDownLatch(count);
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int i = 0; i < count; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                // what Hazelcast asks for on Java 9+ ("starting in a Java modular environment" otherwise)
                "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Dhazelcast.logging.type=none",
                    "-Dhazelcast.phone.home.enabled=false", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "cluster", "member", members.name, String.valueOf(members.basePort),
                    String.valueOf(pool)));
            if (logs != null) {
                command.add(logs.toString());
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            members.processes.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the member ended
                }
            }, "cluster-member-output");
            reader.setDaemon(true);
            reader.start();
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            members.close();
            throw new IllegalStateException("the member JVMs did not start within 120 s");
        }
        ClientConfig config = new ClientConfig();
        config.setClusterName(members.name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        for (int i = 0; i < 5; i++) {
            config.getNetworkConfig().addAddress("127.0.0.1:" + (members.basePort + i));
        }
        members.client = HazelcastClient.newHazelcastClient(config);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (members.client.getCluster().getMembers().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return members;
    }

    /**
     * The processor time used so far by this JVM and the member JVMs, in milliseconds (user and system, from {@code
     * /proc/PID/stat}, in ticks of 10 ms); negative where {@code /proc} is not there.
     */
    long cpuMillis() {
        long ticks = ticks(ProcessHandle.current().pid());
        for (Process process : processes) {
            ticks += ticks(process.pid());
        }
        return ticks < 0 ? -1 : ticks * 10;
    }

    /** The processor time used so far by this JVM alone (see {@link #cpuMillis()}). */
    static long ownCpuMillis() {
        long ticks = ticks(ProcessHandle.current().pid());
        return ticks < 0 ? -1 : ticks * 10;
    }

    /**
     * The processor time used so far by the JIT compilers ({@code C1}/{@code C2 CompilerThread*}) of this JVM and the
     * member JVMs, in milliseconds: part of {@link #cpuMillis()}, and a large one while four JVMs warm up (Hazelcast's
     * code is big); negative where {@code /proc} is not there. A compiler thread that ended meanwhile is not counted.
     */
    long jitMillis() {
        long ticks = compilerTicks(ProcessHandle.current().pid());
        for (Process process : processes) {
            ticks += compilerTicks(process.pid());
        }
        return ticks < 0 ? -1 : ticks * 10;
    }

    private static long compilerTicks(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            long sum = 0;
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException threadEnded) {
                    // a compiler thread that ended (they come and go with the load)
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE / 4; // the sum stays negative
        }
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime: fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE / 4; // the sum stays negative
        }
    }

    HazelcastInstance client() {
        return client;
    }

    /** kill -9 of member {@code index} ({@link Process#destroyForcibly()} is SIGKILL on Linux); returns its pid. */
    long kill(int index) {
        Process process = processes.get(index);
        process.destroyForcibly();
        return process.pid();
    }

    @Override
    public void close() {
        if (client != null) {
            client.getLifecycleService().terminate();
        }
        processes.forEach(Process::destroyForcibly);
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** The member JVM: {@code NAME PORT POOL [LOG_DIR]}; prints READY once its functions are registered. */
    static void member(String[] args) throws IOException {
        // a member outlives nothing: it ends with the JVM that started it, however that one ends (even kill -9)
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        String name = args[1];
        int basePort = Integer.parseInt(args[2]);
        int pool = Integer.parseInt(args[3]);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config(name, basePort, pool));
        ParallelizedCluster cluster = ParallelizedCluster.on(member);
        cluster.register("noop", (Integer x) -> x);
        cluster.register("sleep", (Integer x) -> {
            Thread.sleep(10);
            return x;
        });
        cluster.register("park", ClusterBench::park100us);
        if (args.length > 4) {
            // each start is written at once, unbuffered, so that it survives kill -9
            FileOutputStream log = new FileOutputStream(Path.of(args[4], ProcessHandle.current().pid() + ".log").toFile());
            cluster.register("logged-sleep", (Integer x) -> {
                byte[] line = (x + "\n").getBytes(StandardCharsets.US_ASCII);
                synchronized (log) {
                    log.write(line);
                }
                Thread.sleep(10);
                return x;
            });
        }
        System.out.println("READY " + member.getCluster().getLocalMember().getUuid());
        System.out.flush();
    }

    static Map<Integer, Integer> startsPerInput(Path logs) throws IOException {
        Map<Integer, Integer> starts = new HashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            files.forEach(file -> {
                try {
                    for (String line : Files.readAllLines(file)) {
                        if (!line.isBlank()) {
                            starts.merge(Integer.parseInt(line), 1, Integer::sum);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return starts;
    }

    private static Config config(String name, int basePort, int pool) {
        Config config = new Config();
        config.setClusterName(name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "1");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(basePort).setPortAutoIncrement(true).setPortCount(20);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int port = basePort; port < basePort + 5; port++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        config.getExecutorConfig(ParallelizedCluster.EXECUTOR).setPoolSize(pool);
        return config;
    }
}
