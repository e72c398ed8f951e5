package io.github.parallelized;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One run. Workers pull inputs straight from the source (no per-task hand-off through an executor queue, no
 * Future per task), run the function, and put each outcome on a lock-free queue that the single consumer
 * drains; an admission window (a semaphore) bounds what is taken from the source and not yet consumed.
 */
final class Run<I, R> implements Parallelized<I, R>, Progress {

    /** How long close() lets interrupted workers leave before it stops waiting for stragglers. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** On a shared executor a worker loop gives its thread back after this long, so runs take turns. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final AtomicLong IDS = new AtomicLong();

    private final String id = Long.toString(IDS.incrementAndGet());
    private final TaskFunction<? super I, ? extends R> function;
    private final TaskSource<I> source;
    private final RunConfig config;
    private final Reporters reporters;
    private final Semaphore window;
    private final ConcurrentLinkedQueue<Object> completed = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private final AtomicInteger liveWorkers;
    private final List<Thread> ownThreads = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final long total;
    private final LongAdder cancelledBeforeStart = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final Map<String, LongAdder> failuresByType = new ConcurrentHashMap<>();
    private final AtomicBoolean iterated = new AtomicBoolean();

    // the source, read by workers (and by the consumer once the run is stopped) under sourceLock
    private final Object sourceLock = new Object();
    private long sequence;
    private boolean sourceDrained;

    private volatile Thread consumer;
    private volatile boolean stopping;
    private volatile RunState stopReason;
    private volatile RunState endState;
    private volatile Throwable runError;
    private volatile String description;
    private volatile Map<String, Object> postfix = Map.of();
    private volatile boolean closed;
    private volatile boolean consumedAll;
    private volatile long endNanos;

    private Run(TaskFunction<? super I, ? extends R> function, TaskSource<I> source, RunConfig config) {
        this.function = function;
        this.source = source;
        this.config = config;
        this.description = config.desc;
        this.total = config.total >= 0 ? config.total : source.size();
        this.window = new Semaphore(config.window());
        int threads = config.threads();
        this.workers = new Run.Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker();
        }
        this.liveWorkers = new AtomicInteger(threads);
        this.reporters = new Reporters(id, config.display(), config.listeners);
    }

    static <I, R> Run<I, R> start(TaskFunction<? super I, ? extends R> function, TaskSource<I> source,
                                  RunConfig config) {
        Run<I, R> run = new Run<>(function, source, config);
        run.reporters.start(run);
        run.launch();
        return run;
    }

    private void launch() {
        ExecutorService executor = config.executor;
        if (executor == null) {
            ThreadFactory factory = config.virtualThreads
                    ? VirtualThreads.factory(config.threadNamePrefix + id + "-")
                    : new DaemonThreads(config.threadNamePrefix + id + "-");
            for (Worker worker : workers) {
                Thread thread = factory.newThread(config.decorator.apply(worker));
                ownThreads.add(thread);
            }
            ownThreads.forEach(Thread::start);
            return;
        }
        for (Worker worker : workers) {
            worker.shared = true;
            if (!worker.submit(executor)) {
                break;
            }
        }
    }

    // ---------------------------------------------------------------- workers

    /** A worker loop: acquire a place in the window, pull an input, run it, publish its outcome. */
    private final class Worker implements Runnable {
        final TaskTimes times = new TaskTimes();
        final AtomicLong started = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong cancelled = new AtomicLong();
        boolean shared;
        /** The thread of this loop while it is inside it; interrupts happen only under this object's lock. */
        Thread thread;
        /** The attempt now running, so that a late timeout cannot hit the next task. */
        long attempt;
        boolean timedOut;
        I input;
        R result;
        long seq;

        boolean submit(ExecutorService executor) {
            try {
                executor.execute(config.decorator.apply(this));
                return true;
            } catch (RejectedExecutionException e) {
                fail(new ParallelizedException("the executor refused the run's work: " + Errors.describe(e, false), e));
                workerExited();
                return false;
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            boolean resubmit = false;
            try {
                long sliceEnd = System.nanoTime() + SLICE_NANOS;
                while (!stopping) {
                    window.acquire();
                    if (!pull(this)) {
                        window.release();
                        break;
                    }
                    publish(seq, execute(this));
                    if (shared && System.nanoTime() - sliceEnd > 0) {
                        resubmit = true;
                        break;
                    }
                }
            } catch (InterruptedException e) {
                // cancelled while waiting for room in the window: leave
            } finally {
                synchronized (this) {
                    thread = null;
                }
                // the run may have interrupted this thread; a pooled thread must not carry that to its next job
                Thread.interrupted();
            }
            if (resubmit && !stopping) {
                submit(config.executor);
            } else {
                workerExited();
            }
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        synchronized void timeout(long attemptId) {
            if (thread != null && attempt == attemptId) {
                timedOut = true;
                thread.interrupt();
            }
        }
    }

    private boolean pull(Worker worker) {
        synchronized (sourceLock) {
            if (stopping || sourceDrained) {
                return false;
            }
            Iterator<? extends I> it = source.iterator();
            try {
                if (!it.hasNext()) {
                    sourceDrained = true;
                    return false;
                }
                worker.input = it.next();
            } catch (Throwable e) {
                sourceDrained = true;
                fail(new ParallelizedException("the task source failed: " + Errors.describe(e, false), e));
                return false;
            }
            worker.seq = sequence++;
            return true;
        }
    }

    private Outcome<I, R> execute(Worker worker) {
        I input = worker.input;
        worker.input = null;
        worker.started.lazySet(worker.started.get() + 1);
        long begin = System.nanoTime();
        int attempts = 0;
        Throwable error;
        while (true) {
            attempts++;
            error = attempt(worker, input);
            if (error == null || attempts >= config.maxAttempts || stopping || !retryable(error)) {
                break;
            }
            if (!config.backoff.isZero()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(config.backoff.toNanos());
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        R result = worker.result;
        worker.result = null;
        long nanos = System.nanoTime() - begin;
        worker.times.record(nanos);
        if (error != null && stopping && !(error instanceof CancellationException)) {
            CancellationException cancelled = new CancellationException("cancelled while running");
            cancelled.initCause(error);
            error = cancelled;
        }
        Outcome<I, R> outcome = new Outcome<>(input, result, error, attempts, Duration.ofNanos(nanos));
        if (error == null) {
            worker.succeeded.lazySet(worker.succeeded.get() + 1);
        } else if (error instanceof CancellationException) {
            worker.cancelled.lazySet(worker.cancelled.get() + 1);
        } else {
            worker.failed.lazySet(worker.failed.get() + 1);
            recordFailure(error);
        }
        reporters.outcome(outcome);
        return outcome;
    }

    /** Runs one attempt: leaves the result in the worker and returns null, or returns what went wrong. */
    private Throwable attempt(Worker worker, I input) {
        ScheduledFuture<?> timer = null;
        if (config.timeout != null) {
            long attemptId;
            synchronized (worker) {
                attemptId = ++worker.attempt;
                worker.timedOut = false;
            }
            timer = Timer.schedule(() -> worker.timeout(attemptId), config.timeout);
        }
        Throwable error = null;
        try {
            worker.result = function.apply(input);
        } catch (Throwable e) {
            worker.result = null;
            error = e;
        }
        if (timer == null) {
            return error;
        }
        timer.cancel(false);
        boolean timedOut;
        synchronized (worker) {
            worker.attempt++;
            timedOut = worker.timedOut;
            worker.timedOut = false;
        }
        if (!timedOut) {
            return error;
        }
        // the timer interrupted this thread for this attempt: the flag belongs to the run, not to the next task
        Thread.interrupted();
        worker.result = null;
        TimeoutException late = new TimeoutException("task timed out after " + Durations.format(config.timeout));
        if (error != null) {
            late.initCause(error);
        }
        return late;
    }

    private boolean retryable(Throwable error) {
        if (error instanceof CancellationException) {
            return false;
        }
        try {
            return config.retryOn.test(error);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void recordFailure(Throwable error) {
        failuresByType.computeIfAbsent(error.getClass().getName(), k -> new LongAdder()).increment();
        long failed = failures.incrementAndGet();
        if (failed >= config.maxFailures) {
            stop(RunState.FAILED);
        } else if (!Double.isNaN(config.maxFailureRate)) {
            long ended = 0;
            for (Worker w : workers) {
                ended += w.succeeded.get() + w.failed.get();
            }
            if (ended >= config.minTasksForRate && (double) failed / ended > config.maxFailureRate) {
                stop(RunState.FAILED);
            }
        }
    }

    private void publish(long seq, Object outcome) {
        completed.offer(config.ordered ? new Sequenced(seq, outcome) : outcome);
        Thread waiting = consumer;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    private void workerExited() {
        if (liveWorkers.decrementAndGet() == 0) {
            Thread waiting = consumer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /** An outcome with its place in the source, for {@link Builder#ordered()}. */
    private record Sequenced(long seq, Object outcome) {
    }

    // ---------------------------------------------------------------- stopping

    private void fail(ParallelizedException error) {
        if (runError == null) {
            runError = error;
        }
        stop(RunState.FAILED);
    }

    /** Stops admitting and interrupts running tasks; the first reason to stop wins. */
    private void stop(RunState reason) {
        synchronized (sourceLock) {
            if (stopping || endState != null) {
                return;
            }
            stopping = true;
            stopReason = reason;
        }
        for (Worker worker : workers) {
            worker.interrupt();
        }
        Thread waiting = consumer;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    @Override
    public void cancel() {
        stop(RunState.CANCELLED);
    }

    @Override
    public boolean isCancelled() {
        return stopping;
    }

    // ---------------------------------------------------------------- consuming

    @Override
    public Iterator<Outcome<I, R>> iterator() {
        if (closed) {
            throw new IllegalStateException("this run is closed: its outcomes can no longer be read");
        }
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("the outcomes of a run can be iterated only once");
        }
        return config.ordered ? new OrderedOutcomes() : new Outcomes();
    }

    @Override
    public Stream<Outcome<I, R>> stream() {
        Spliterator<Outcome<I, R>> outcomes = Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(outcomes, false).onClose(this::close);
    }

    /**
     * Takes the next outcome in completion order, waiting for it; null at the end. Once the run is stopped the
     * consumer itself turns what is left in the source into cancelled outcomes.
     */
    private Object take() {
        consumer = Thread.currentThread();
        while (true) {
            Object next = completed.poll();
            if (next != null) {
                return next;
            }
            if (stopping) {
                Object cancelled = cancelNextUnstarted();
                if (cancelled != null) {
                    return cancelled;
                }
            }
            if (liveWorkers.get() == 0) {
                next = completed.poll();
                if (next != null) {
                    return next;
                }
                return null;
            }
            if (closed) {
                return null;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                cancel();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for outcomes: the run was cancelled");
            }
        }
    }

    private Object cancelNextUnstarted() {
        I input;
        long seq;
        synchronized (sourceLock) {
            if (sourceDrained) {
                return null;
            }
            Iterator<? extends I> it = source.iterator();
            try {
                if (!it.hasNext()) {
                    sourceDrained = true;
                    return null;
                }
                input = it.next();
            } catch (Throwable e) {
                sourceDrained = true;
                if (runError == null) {
                    runError = new ParallelizedException("the task source failed: " + Errors.describe(e, false), e);
                }
                return null;
            }
            seq = sequence++;
        }
        cancelledBeforeStart.increment();
        Outcome<I, R> outcome = new Outcome<>(input, null,
                new CancellationException("cancelled before it started"), 0, Duration.ZERO);
        reporters.outcome(outcome);
        // no place in the window was taken for it; the extra release when it is handed out is harmless,
        // since no worker acquires once the run is stopped
        return config.ordered ? new Sequenced(seq, outcome) : outcome;
    }

    private void finishIteration() {
        consumedAll = true;
        end();
        Throwable error = runError;
        if (error != null) {
            throw (ParallelizedException) error;
        }
    }

    /** Completion order. */
    private final class Outcomes implements Iterator<Outcome<I, R>> {
        private Object next;
        private boolean done;

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            next = take();
            if (next == null) {
                done = true;
                finishIteration();
                return false;
            }
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Outcome<I, R> next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more outcomes");
            }
            Object outcome = next;
            next = null;
            window.release();
            return (Outcome<I, R>) outcome;
        }
    }

    /** Submission order: outcomes that finish early wait (inside the admission window) for those before them. */
    private final class OrderedOutcomes implements Iterator<Outcome<I, R>> {
        private final Map<Long, Object> early = new HashMap<>();
        private long expected;
        private Object next;
        private boolean done;

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            while (true) {
                Object ready = early.remove(expected);
                if (ready != null) {
                    expected++;
                    next = ready;
                    return true;
                }
                Sequenced taken = (Sequenced) take();
                if (taken == null) {
                    done = true;
                    finishIteration();
                    return false;
                }
                early.put(taken.seq(), taken.outcome());
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Outcome<I, R> next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more outcomes");
            }
            Object outcome = next;
            next = null;
            window.release();
            return (Outcome<I, R>) outcome;
        }
    }

    // ---------------------------------------------------------------- progress

    @Override
    public Progress progress() {
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void setDescription(String description) {
        this.description = java.util.Objects.requireNonNull(description, "description");
    }

    @Override
    public void setPostfix(Map<String, ?> postfix) {
        this.postfix = Postfix.copyOf(postfix);
    }

    @Override
    public void write(String line) {
        reporters.write(java.util.Objects.requireNonNull(line, "line"));
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public long completed() {
        long done = cancelledBeforeStart.sum();
        for (Worker w : workers) {
            done += w.succeeded.get() + w.failed.get() + w.cancelled.get();
        }
        return done;
    }

    @Override
    public long failed() {
        long failed = 0;
        for (Worker w : workers) {
            failed += w.failed.get();
        }
        return failed;
    }

    @Override
    public ProgressSnapshot snapshot() {
        long started = 0;
        long succeeded = 0;
        long failed = 0;
        long cancelledRunning = 0;
        for (Worker w : workers) {
            // read the outcomes before the starts, so that running never comes out negative
            succeeded += w.succeeded.get();
            failed += w.failed.get();
            cancelledRunning += w.cancelled.get();
        }
        for (Worker w : workers) {
            started += w.started.get();
        }
        long cancelledEarly = cancelledBeforeStart.sum();
        long running = Math.max(0, started - succeeded - failed - cancelledRunning);
        long pending = total < 0 ? 0 : Math.max(0, total - started - cancelledEarly);
        return new ProgressSnapshot(id, description, state(), total, pending, running, succeeded, failed,
                cancelledRunning + cancelledEarly, startedAt, elapsed(), postfix);
    }

    private RunState state() {
        RunState end = endState;
        if (end != null) {
            return end;
        }
        RunState reason = stopReason;
        return reason != null ? reason : RunState.RUNNING;
    }

    /** Fixes the end state and time, once: when the outcomes are consumed, or at close. */
    private void end() {
        synchronized (sourceLock) {
            if (endState != null) {
                return;
            }
            endNanos = System.nanoTime();
            RunState reason = stopReason;
            endState = reason != null ? reason : RunState.COMPLETED;
        }
    }

    private Duration elapsed() {
        long end = endNanos;
        return Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos);
    }

    @Override
    public Summary summary() {
        TaskTimes times = new TaskTimes();
        for (Worker w : workers) {
            w.times.addTo(times);
        }
        Map<String, Long> byType = new HashMap<>();
        failuresByType.forEach((type, count) -> byType.put(type, count.sum()));
        ProgressSnapshot now = snapshot();
        return new Summary(now.description(), now.state(), now.succeeded(), now.failed(), now.cancelled(), byType,
                times.percentile(0.50), times.percentile(0.95), times.max(), now.elapsed());
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!consumedAll) {
            stop(RunState.CANCELLED);
        }
        awaitWorkers();
        end();
        try {
            source.close();
        } catch (Exception e) {
            Reporters.LOG.warn("closing the task source of run {} ({}) failed: {}", id, description,
                    Errors.describe(e, false));
        }
        reporters.finish(snapshot(), summary());
    }

    /**
     * Waits for the workers to leave: at once when they are between tasks, up to a short grace when an
     * interrupted task is still unwinding, and never for a task that ignores its interrupt.
     */
    private void awaitWorkers() {
        long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        if (!ownThreads.isEmpty()) {
            for (Thread thread : ownThreads) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            return;
        }
        while (liveWorkers.get() > 0 && deadline - System.nanoTime() > 0) {
            LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(200));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Parallelized[id=" + id + ", desc=" + description + ", state=" + state() + "]";
    }
}
