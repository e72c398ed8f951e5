package io.github.parallelized.benchmarks;

import java.util.Arrays;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <ul>
 *   <li>{@code compare [--smoke] [--rounds N] [--warmups N] [--workloads a,b] [--systems a,b]}: the side-by-side
 *   table (default command);</li>
 *   <li>{@code jmh [JMH options]}: the JMH benchmarks of this jar;</li>
 *   <li>{@code stream-child SYSTEM TASKS THREADS}: one run of the stream workload, in the forked JVM that
 *   {@code compare} starts with {@code -Xmx64m}.</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs a command.
     *
     * @param args the command and its options
     * @throws Exception when a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "compare" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "compare" -> {
                Compare.Report report = new Compare(Compare.Options.parse(rest)).run(System.out);
                System.exit(report.allOk() ? 0 : 1);
            }
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "stream-child" -> Compare.streamChild(rest);
            default -> {
                System.err.println("usage: compare [--smoke] [--rounds N] [--warmups N] [--workloads a,b]"
                        + " [--systems a,b] | jmh [JMH options]");
                System.exit(2);
            }
        }
    }
}
