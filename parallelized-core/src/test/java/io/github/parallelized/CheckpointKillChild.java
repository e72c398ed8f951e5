package io.github.parallelized;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.h2.jdbcx.JdbcDataSource;

/**
 * The submitting JVM of {@link CheckpointKillTest}: a checkpointed run into an H2 file database; each task appends
 * its input to a log file (unbuffered, so that a kill loses no line) before it returns.
 */
final class CheckpointKillChild {

    static final int MAX_IN_FLIGHT = 64;

    private CheckpointKillChild() {
    }

    public static void main(String[] args) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(args[0]);
        int inputs = Integer.parseInt(args[2]);
        CheckpointStore store = CheckpointStore.jdbc(dataSource);
        try (FileOutputStream log = new FileOutputStream(args[1], true);
             Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
                         Thread.sleep(1);
                         byte[] line = (i + "\n").getBytes(StandardCharsets.US_ASCII);
                         synchronized (log) {
                             log.write(line);
                         }
                         return i;
                     }, IntStream.range(0, inputs).boxed().toList())
                     .numThreads(8).maxInFlight(MAX_IN_FLIGHT).progress(ProgressReporter.none())
                     .checkpoint(store, "killed", String::valueOf).start()) {
            for (Outcome<Integer, Integer> outcome : run) {
                if (!outcome.isSuccess()) {
                    throw new AssertionError("input " + outcome.input() + " failed", outcome.error());
                }
            }
            Summary summary = run.summary();
            System.out.println("RESULT skipped=" + summary.skipped() + " succeeded=" + summary.succeeded());
        }
    }
}
