package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observations of runs: one {@code parallelized.run} per run, a child of the observation current on the thread
 * that starts it, open (current) around every attempt of its tasks so that spans and logs made inside a task
 * belong to it; and, when switched on, one {@code parallelized.task} per attempt, a child of the run's.
 * Thread-safe: an observation's scope is opened and closed on each worker thread, which Micrometer supports.
 */
final class ObservationDecoration implements RunDecoration {

    private static final DefaultRunObservationConvention DEFAULT_RUN = new DefaultRunObservationConvention();
    private static final DefaultTaskObservationConvention DEFAULT_TASK = new DefaultTaskObservationConvention();

    private final ObservationRegistry registry;
    private final RunObservationConvention runConvention;
    private final TaskObservationConvention taskConvention;
    private final boolean tasks;
    private final BatchNames batches;

    /**
     * @param runConvention  the application's convention, or null for the default
     * @param taskConvention the application's convention, or null for the default
     */
    ObservationDecoration(ObservationRegistry registry, RunObservationConvention runConvention,
                          TaskObservationConvention taskConvention, boolean tasks, BatchNames batches) {
        this.registry = registry;
        this.runConvention = runConvention;
        this.taskConvention = taskConvention;
        this.tasks = tasks;
        this.batches = batches;
    }

    @Override
    public Started start(Parallelized<?, ?> run) {
        String desc = run.progress().snapshot().description();
        RunObservationContext context = new RunObservationContext(run.id(), desc, batches.of(desc));
        Observation observation = Observation.createNotStarted(runConvention, DEFAULT_RUN, () -> context, registry)
                .start();
        return new Started() {
            @Override
            public Attempt enter() {
                Observation.Scope runScope = observation.openScope();
                if (!tasks) {
                    return runScope::close;
                }
                Observation task = Observation.createNotStarted(taskConvention, DEFAULT_TASK,
                        () -> new TaskObservationContext(context), registry).start();
                Observation.Scope taskScope = task.openScope();
                return new Attempt() {
                    @Override
                    public void failed(Throwable error) {
                        task.error(error);
                    }

                    @Override
                    public void close() {
                        taskScope.close();
                        task.stop();
                        runScope.close();
                    }
                };
            }

            @Override
            public void finish(ProgressSnapshot snapshot, Summary summary) {
                context.setState(snapshot.state());
                if (snapshot.state() == RunState.FAILED) {
                    observation.error(new IllegalStateException("run " + snapshot.id() + " failed: " + summary));
                }
                observation.stop();
            }
        };
    }
}
