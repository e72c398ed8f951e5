package io.github.parallelized.hazelcast;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * A member JVM for the crash test: joins the cluster, registers {@code "work"} (sleeps the input's millis and
 * returns its id) and writes each task's id to its own log file, unbuffered, when the task starts, so that the
 * log survives kill -9 and double executions can be counted across members. Prints {@code READY} once it can
 * take tasks.
 * Arguments: cluster name, base port, pool size, log directory[, heartbeat timeout in seconds].
 */
public final class MemberMain {

    private MemberMain() {
    }

    /**
     * Starts the member.
     *
     * @param args cluster name, base port, pool size, log directory[, heartbeat timeout in seconds]
     * @throws IOException if the log cannot be opened
     */
    public static void main(String[] args) throws IOException {
        // ends with the test JVM that started it, however that one ends
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        Config config = TestCluster.memberConfig(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        if (args.length > 4) {
            config.setProperty("hazelcast.max.no.heartbeat.seconds", args[4]);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        FileOutputStream log = new FileOutputStream(Path.of(args[3], ProcessHandle.current().pid() + ".log").toFile(), true);
        ParallelizedCluster.on(member).register("work", (long[] task) -> {
            byte[] line = (task[0] + "\n").getBytes(StandardCharsets.US_ASCII);
            synchronized (log) {
                log.write(line);
            }
            Thread.sleep(task[1]);
            return task[0];
        });
        System.out.println("READY " + member.getCluster().getLocalMember().getUuid());
        System.out.flush();
    }
}
