package io.github.parallelized;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One run: the façade that makes its parts and wires them, in the order an input meets them: {@link Admission}
 * (the source and the window), {@link Crew} and {@link Worker} (the loops), {@link Tasks} (attempts, retry, timeout,
 * outcome), {@link Delivery} ({@code onOutcome}, the {@link FailurePolicy}, the {@link Handoff} to the consumer),
 * {@link Outcomes} (the consumer's order and end), {@link Counters} and {@link RunProgress}, and the {@link
 * Lifecycle} that ties stopping and closing together. Each part gets the few parts it uses, never the run: no part
 * knows this class.
 */
final class Run<I, R> implements Parallelized<I, R> {

    private static final AtomicLong IDS = new AtomicLong();

    private final String id = Long.toString(IDS.incrementAndGet());
    private final RunConfig config;
    private final TaskSource<I> source;
    /** 1 once iterated. An AtomicInteger: the JDK's AtomicBoolean sets up a var handle, a cold start()'s cost. */
    private final AtomicInteger iterated = new AtomicInteger();
    private final Lifecycle lifecycle;
    private final Handoff handoff;
    private final Admission<I> admission;
    private final Room room;
    private final Tasks<I, R> tasks;
    private final Crew<I, R> crew;
    private final Reporters reporters;
    private final RunProgress progress;

    private Run(TaskFunction<? super I, ? extends R> function, AsyncTaskFunction<? super I, ? extends R> asyncFunction,
                TaskSource<I> source, RunConfig config) {
        this.config = config;
        this.source = source;
        this.lifecycle = new Lifecycle(config.startNanos());
        this.handoff = new Handoff(config.loops());
        Room room = new Room(config.window());
        Stop stop = new Stop();
        this.admission = new Admission<>(source, room, config.window(), config.threads(), stop, new Wake(handoff));
        Counters counters = new Counters(config);
        FailurePolicy failurePolicy = new FailurePolicy(config.failureLimit(), counters, lifecycle);
        this.reporters = new Reporters(id, config.reporting().display(), config.reporting().listeners());
        Delivery<I, R> delivery = new Delivery<>(reporters, failurePolicy, handoff, config.ordered());
        this.tasks = new Tasks<>(function, asyncFunction, config, admission, room, lifecycle, counters, delivery);
        this.crew = new Crew<>(config, admission, tasks, handoff, lifecycle, counters, id, source.size());
        this.room = room;
        this.progress = new RunProgress(id, config, config.reporting().total() >= 0 ? config.reporting().total() : source.size(),
                source, counters, lifecycle, reporters, failurePolicy);
        lifecycle.onStop(stop);
    }

    /*
     * The run's callbacks to its parts are classes of their own, not lambdas: a lambda is a class spun at its first
     * use, which costs a cold start() more than loading a small class.
     */

    /**
     * What a stop does, whoever stops the run (cancel(), the failure policy, a failing source, a lost loop); and a
     * failing source fails the run.
     */
    private final class Stop implements Runnable, Consumer<Throwable> {
        @Override
        public void run() {
            admission.stop();
            crew.interruptAll();
            AsyncTasks<I, R> async = tasks.async();
            if (async != null) {
                async.cancelAll();
            }
            handoff.wake();
        }

        @Override
        public void accept(Throwable error) {
            lifecycle.fail(new ParallelizedException("the task source failed: " + Errors.describe(error, false),
                    error));
        }
    }

    /** The admission closed: the consumer, waiting for an outcome, looks again. */
    private static final class Wake implements Runnable {
        private final Handoff handoff;

        Wake(Handoff handoff) {
            this.handoff = handoff;
        }

        @Override
        public void run() {
            handoff.wake();
        }
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
            run.lifecycle.fail(e instanceof ParallelizedException p ? p
                    : new ParallelizedException("the run could not start: " + Errors.describe(e, false), e));
            run.close();
            throw run.lifecycle.failure();
        }
        run.reporters.startDisplay();
        return run;
    }

    /**
     * Stops admitting and interrupts running tasks (an asynchronous function's tasks in flight end at once, as
     * cancelled); the first reason to stop wins. Takes no lock of a callback.
     */
    @Override
    public void cancel() {
        lifecycle.stop(RunState.CANCELLED);
    }

    /** The run as a whole failed, as a wrapper around it saw (the checkpoint's store): see {@link Lifecycle#fail}. */
    void fail(ParallelizedException error) {
        lifecycle.fail(error);
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
        if (!iterated.compareAndSet(0, 1)) {
            throw new IllegalStateException("the outcomes of a run can be iterated only once");
        }
        // a class, not a method reference: a reference spins a class at a cold run's first iteration
        Runnable finished = new Runnable() {
            @Override
            public void run() {
                finishIteration();
            }
        };
        return new Outcomes<>(handoff, admission, room, crew, tasks.async(), lifecycle, finished, config.ordered(),
                config.window());
    }

    @Override
    public Stream<Outcome<I, R>> stream() {
        Spliterator<Outcome<I, R>> outcomes = Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(outcomes, false).onClose(this::close);
    }

    /** The consumer took the last outcome: the run is over for its reporters, even if never closed. */
    private void finishIteration() {
        finish();
        ParallelizedException error = lifecycle.failure();
        if (error != null) {
            throw error;
        }
    }

    /**
     * The run's end, once: what decides how it ended is done first (a checkpoint's last write, whose failure fails
     * the run), then its state is fixed, then its reporters hear of it.
     */
    private void finish() {
        if (lifecycle.beginFinish()) {
            reporters.beforeFinish();
            lifecycle.finished();
            progress.finishTo(reporters);
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
        lifecycle.stop(RunState.CANCELLED);
        crew.awaitExit();
        finish();
        if (!lifecycle.close()) {
            return;
        }
        try {
            source.close();
        } catch (Throwable e) {
            Reporters.log().warn("closing the task source of run {} ({}) failed: {}", id, progress.description(),
                    Errors.describe(e, false));
        }
    }

    @Override
    public String toString() {
        return "Parallelized[id=" + id + ", desc=" + progress.description() + ", state=" + lifecycle.state() + "]";
    }
}
