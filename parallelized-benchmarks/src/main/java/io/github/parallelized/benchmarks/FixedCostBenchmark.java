package io.github.parallelized.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The fixed cost of a run: 10 trivial tasks, from start to the end of close (threads and progress included). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FixedCostBenchmark {

    /** The system under test. */
    @Param({"ecs", "parallelized-none", "parallelized-console", "parallelized-micrometer"})
    public String system;

    private BenchSystem runner;
    private Workload workload;

    /** Picks the system and builds the inputs. */
    @Setup
    public void setUp() {
        runner = BenchSystem.named(system, Metrics::reporter);
        workload = Workload.prebuilt("fixed-10", 10, 2, false, Tasks.noop());
    }

    /**
     * One run of 10 trivial tasks.
     *
     * @return how many results the consumer saw
     * @throws Exception if the run fails
     */
    @Benchmark
    public long tenTasks() throws Exception {
        return runner.run(workload);
    }
}
