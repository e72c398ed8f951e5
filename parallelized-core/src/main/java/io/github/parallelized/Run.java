package io.github.parallelized;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One run: the façade over its parts, in the order an input meets them: {@link Admission} (the source and the
 * window), {@link Crew} and {@link Worker} (the loops), {@link Tasks} (attempts, retry, timeout, outcome),
 * {@link FailurePolicy}, {@link Handoff} (to the consumer), {@link Outcomes} (the consumer's order and end),
 * {@link Counters} and {@link RunProgress}, and the {@link Lifecycle} that ties stopping and closing together.
 */
final class Run<I, R> implements Parallelized<I, R> {

    private static final AtomicLong IDS = new AtomicLong();

    private final String id = Long.toString(IDS.incrementAndGet());
    private final RunConfig config;
    private final TaskSource<I> source;
    private final AtomicBoolean iterated = new AtomicBoolean();
    final Lifecycle lifecycle = new Lifecycle();
    final Handoff handoff;
    final Admission<I> admission;
    final Tasks<I, R> tasks;
    final Crew<I, R> crew;
    final Counters counters;
    final FailurePolicy failurePolicy;
    final Reporters reporters;
    final RunProgress progress;

    private Run(TaskFunction<? super I, ? extends R> function, AsyncTaskFunction<? super I, ? extends R> asyncFunction,
                TaskSource<I> source, RunConfig config) {
        this.config = config;
        this.source = source;
        this.handoff = new Handoff(config.loops());
        this.admission = new Admission<>(source, config.window(), config.threads(),
                error -> fail(new ParallelizedException("the task source failed: " + Errors.describe(error, false),
                        error)), handoff::wake);
        this.tasks = new Tasks<>(function, asyncFunction, config, this);
        this.crew = new Crew<>(this, config, admission, tasks, id);
        this.counters = new Counters(crew.workers, tasks.sharedTimes);
        this.failurePolicy = new FailurePolicy(config, this);
        this.progress = new RunProgress(this, config.desc(), config.total() >= 0 ? config.total() : source.size(),
                source::skipped);
        this.reporters = new Reporters(id, config.display(), config.listeners());
    }

    /**
     * Starts a run, all or nothing: when it cannot start (the decorator fails, a thread cannot be created, the
     * executor is shut down), what did start is stopped, the reporters are finished, and start() throws.
     */
    static <I, R> Run<I, R> start(TaskFunction<? super I, ? extends R> function,
                                  AsyncTaskFunction<? super I, ? extends R> asyncFunction, TaskSource<I> source,
                                  RunConfig config) {
        Run<I, R> run = new Run<>(function, asyncFunction, source, config);
        run.reporters.start(run);
        try {
            run.crew.start();
        } catch (Throwable e) {
            run.fail(e instanceof ParallelizedException p ? p
                    : new ParallelizedException("the run could not start: " + Errors.describe(e, false), e));
            run.close();
            throw run.lifecycle.failure();
        }
        return run;
    }

    /**
     * Stops admitting and interrupts running tasks (an asynchronous function's tasks in flight end at once, as
     * cancelled); the first reason to stop wins. Takes no lock of a callback.
     */
    void stop(RunState reason) {
        if (lifecycle.stop(reason)) {
            admission.stop();
            crew.interruptAll();
            if (tasks.async() != null) {
                tasks.async().cancelAll();
            }
            handoff.wake();
        }
    }

    /**
     * The most tasks that can run at once: the tasks in flight of an asynchronous function, else the worker loops
     * (plus the consumer's, which helps a nested run on a supplied executor).
     */
    long maxRunning() {
        return config.async() ? config.asyncInFlight() : config.loops();
    }

    /** The run as a whole failed: the consumer's loop ends with this error after the outcomes in flight. */
    void fail(ParallelizedException error) {
        lifecycle.recordFailure(error);
        stop(RunState.FAILED);
    }

    @Override
    public void cancel() {
        stop(RunState.CANCELLED);
    }

    @Override
    public boolean isCancelled() {
        return lifecycle.wasStopped();
    }

    @Override
    public Iterator<Outcome<I, R>> iterator() {
        if (lifecycle.isClosed()) {
            throw new IllegalStateException("this run is closed: its outcomes can no longer be read");
        }
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("the outcomes of a run can be iterated only once");
        }
        return new Outcomes<>(this, config.ordered(), config.window());
    }

    @Override
    public Stream<Outcome<I, R>> stream() {
        Spliterator<Outcome<I, R>> outcomes = Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(outcomes, false).onClose(this::close);
    }

    /** The consumer took the last outcome: the run is over for its reporters, even if never closed. */
    void finishIteration() {
        finish();
        ParallelizedException error = lifecycle.failure();
        if (error != null) {
            throw error;
        }
    }

    private void finish() {
        if (lifecycle.finish()) {
            reporters.finish(progress.snapshot(), progress.summary());
        }
    }

    @Override
    public Iterator<I> remaining() {
        if (lifecycle.isClosed()) {
            throw new IllegalStateException("this run is closed: its task source is closed too");
        }
        if (lifecycle.isRunning()) {
            throw new IllegalStateException("the run is still running: cancel() it or consume its outcomes first");
        }
        return admission.remaining();
    }

    @Override
    public Progress progress() {
        return progress;
    }

    @Override
    public Summary summary() {
        return progress.summary();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close() {
        if (lifecycle.isClosed()) {
            return;
        }
        stop(RunState.CANCELLED);
        crew.awaitExit();
        finish();
        if (!lifecycle.close()) {
            return;
        }
        try {
            source.close();
        } catch (Throwable e) {
            Reporters.LOG.warn("closing the task source of run {} ({}) failed: {}", id, progress.description(),
                    Errors.describe(e, false));
        }
    }

    @Override
    public String toString() {
        return "Parallelized[id=" + id + ", desc=" + progress.description() + ", state=" + lifecycle.state() + "]";
    }
}
