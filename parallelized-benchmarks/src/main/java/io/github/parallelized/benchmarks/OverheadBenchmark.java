package io.github.parallelized.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-task overhead: runs of {@value #TASKS} tasks that return their input, on as many threads as cores; the
 * score is tasks per second, setting up and tearing down each run included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OverheadBenchmark {

    static final int TASKS = 10_000;

    /** The system under test (see the compare table for what each one is). */
    @Param({"ecs", "ecs-submit-all", "parallelized-none", "parallelized-console", "parallelized-micrometer",
            "completable-future", "parallel-collectors", "parallel-stream+pb"})
    public String system;

    private BenchSystem runner;
    private Workload workload;

    /** Picks the system and builds the inputs. */
    @Setup
    public void setUp() {
        runner = BenchSystem.named(system, Metrics::reporter);
        workload = Workload.prebuilt("noop", TASKS, Runtime.getRuntime().availableProcessors(), false, Tasks.noop());
    }

    /**
     * One run of {@value #TASKS} trivial tasks.
     *
     * @return how many results the consumer saw
     * @throws Exception if the run fails
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long noop() throws Exception {
        return runner.run(workload);
    }
}
