package io.github.parallelized.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The stream workload: each system in a JVM of its own with {@link #HEAP}, over a lazily generated stream of
 * inputs, so that a system that holds on to its inputs runs out of memory instead of looking fast.
 */
final class ForkedStream {

    /** The child JVM's heap: 10,000,000 lazy inputs must run in constant memory, this little (issue 17's figure). */
    static final String HEAP = "-Xmx32m";

    private ForkedStream() {
    }

    /** One run of {@code system} in a child JVM. */
    static Report.Sample measure(BenchSystem system, int tasks, int threads) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder child = new ProcessBuilder(java, HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "stream-child", system.name(),
                Integer.toString(tasks), Integer.toString(threads));
        child.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = child.start();
        String result = null;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("no end after 10 minutes");
        }
        int exit = process.exitValue();
        if (result == null || exit != 0) {
            throw new IllegalStateException(exit == 3 ? "OutOfMemoryError" : "exit code " + exit);
        }
        String[] parts = result.split(" ");
        Rounds.checkCount(Long.parseLong(parts[1]), tasks);
        return new Report.Sample(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
    }

    /** {@code stream-child SYSTEM TASKS THREADS}: prints {@code RESULT count nanos peakBytes}. */
    static void child(String[] args) throws Exception {
        BenchSystem system = BenchSystem.named(args[0], Metrics::reporter);
        Workload workload = Workload.generated("stream", Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Tasks.noop());
        if (args[0].equals("parallelized-micrometer")) {
            Metrics.reporter();
        }
        Heap.reset();
        long t0 = System.nanoTime();
        long count = system.run(workload);
        long nanos = System.nanoTime() - t0;
        System.out.println("RESULT " + count + " " + nanos + " " + Heap.peak());
        System.out.flush();
        System.exit(0);
    }
}
