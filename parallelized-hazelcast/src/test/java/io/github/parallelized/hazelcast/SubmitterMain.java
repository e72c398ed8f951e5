package io.github.parallelized.hazelcast;

import java.util.List;
import java.util.stream.IntStream;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.Summary;

/**
 * A submitter JVM for {@link TakeoverKillTest}: joins the cluster as a lite member or a client, starts (or resumes)
 * the named run of {@code "takeover-work"} over the inputs 0..count-1 (key: the number), and prints to stdout
 * {@code OUTCOMES n} every 250 outcomes, then {@code SUMMARY state succeeded failed skipped}. The test kills it with
 * kill -9 mid-run, or reads its summary.
 * Arguments: lite|client, cluster name, base port, start|resume, run name, count, numThreads, maxInFlight.
 */
public final class SubmitterMain {

    private SubmitterMain() {
    }

    /**
     * Runs the submitter.
     *
     * @param args lite|client, cluster name, base port, start|resume, run name, count, numThreads, maxInFlight
     */
    public static void main(String[] args) {
        // ends with the test JVM that started it, however that one ends
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        String clusterName = args[1];
        int basePort = Integer.parseInt(args[2]);
        HazelcastInstance hazelcast;
        if (args[0].equals("lite")) {
            Config config = TestCluster.memberConfig(clusterName, basePort, 1);
            config.setLiteMember(true);
            hazelcast = Hazelcast.newHazelcastInstance(config);
        } else {
            hazelcast = HazelcastClient.newHazelcastClient(TestCluster.clientConfig(clusterName, basePort));
        }
        String runName = args[4];
        List<Integer> inputs = IntStream.range(0, Integer.parseInt(args[5])).boxed().toList();
        ParallelizedCluster cluster = ParallelizedCluster.on(hazelcast);
        Parallelized.Builder<Integer, Integer> builder = args[3].equals("start")
                ? cluster.resumable(runName, "takeover-work", inputs, String::valueOf)
                : cluster.resume(runName, inputs, String::valueOf);
        try {
            run(builder, args);
        } catch (Throwable e) {
            // a run that failed ends this JVM at once (the instance's threads would keep it alive): the test sees
            // the exit value and this output instead of waiting for its bound
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        hazelcast.shutdown();
        System.exit(0);
    }

    private static void run(Parallelized.Builder<Integer, Integer> builder, String[] args) {
        long outcomes = 0;
        try (Parallelized<Integer, Integer> run = builder.numThreads(Integer.parseInt(args[6]))
                .maxInFlight(Integer.parseInt(args[7])).progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> ignored : run) {
                if (++outcomes % 250 == 0) {
                    System.out.println("OUTCOMES " + outcomes);
                    System.out.flush();
                }
            }
            Summary summary = run.summary();
            System.out.println("SUMMARY " + summary.state() + " " + summary.succeeded() + " " + summary.failed() + " "
                    + summary.skipped());
            System.out.flush();
        }
    }
}
