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
 * drains; an admission window bounds what is taken from the source and not yet consumed.
 */
final class Run<I, R> implements Parallelized<I, R>, Progress {

    /** How long close() lets interrupted workers leave before it stops waiting for stragglers. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** On a shared executor a worker loop gives its thread back after this long, so runs take turns. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How often the consumer yields and looks again before it parks: adapted between these bounds, doubled when
     * an outcome came while spinning, halved when the consumer had to park (long tasks waste no CPU on spinning,
     * short ones never pay for a park and its unpark).
     */
    static final int MIN_CONSUMER_SPINS = 8;
    static final int MAX_CONSUMER_SPINS = 256;

    /** How many workers keep task times of their own; the others share {@link #SHARED_TIMES} striped ones. */
    static final int OWN_TIMES = 64;
    static final int SHARED_TIMES = 16;

    private static final AtomicLong IDS = new AtomicLong();

    private final String id = Long.toString(IDS.incrementAndGet());
    private final TaskFunction<? super I, ? extends R> function;
    private final TaskSource<I> source;
    private final RunConfig config;
    private final Reporters reporters;
    private final int windowSize;
    private final Consumed consumed = new Consumed();
    private final ConcurrentLinkedQueue<Object> completed = new ConcurrentLinkedQueue<>();
    /**
     * The task times of the workers past the first {@link #OWN_TIMES}, striped: a histogram is 4 KB, and a run on
     * 10,000 virtual threads must not allocate 40 MB of them.
     */
    private final TaskTimes[] sharedTimes;
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

    /** The source's read position, read by workers (and by the consumer once stopped) under its lock. */
    private final Cursor cursor = new Cursor();

    private volatile Thread consumer;
    private volatile boolean consumerWaiting;
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
        this.windowSize = config.window();
        int threads = config.threads();
        this.sharedTimes = new TaskTimes[threads > OWN_TIMES ? SHARED_TIMES : 0];
        for (int i = 0; i < sharedTimes.length; i++) {
            sharedTimes[i] = new TaskTimes();
        }
        this.workers = newWorkers(threads);
        this.liveWorkers = new AtomicInteger(threads);
        this.reporters = new Reporters(id, config.display(), config.listeners);
    }

    @SuppressWarnings("unchecked")
    private Worker[] newWorkers(int count) {
        Worker[] created = (Worker[]) java.lang.reflect.Array.newInstance(Worker.class, count);
        for (int i = 0; i < count; i++) {
            created[i] = i < OWN_TIMES ? new Worker(new TaskTimes(), false)
                    : new Worker(sharedTimes[i % SHARED_TIMES], true);
        }
        return created;
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

    /**
     * A worker loop: pull an input when the admission window has room, run it, hand the outcome over. The window
     * check rides on the source lock that the pull takes anyway, so admission costs no extra atomic operation.
     */
    private final class Worker implements Runnable {
        /** This worker's task times: its own, or for workers past {@link #OWN_TIMES} one shared under its lock. */
        final TaskTimes times;
        final boolean sharedTimes;
        final WorkerCounts counts = new WorkerCounts();
        boolean shared;
        /** The thread of this loop while it is inside it; interrupts happen only under this object's lock. */
        Thread thread;
        /** The attempt now running, so that a late timeout cannot hit the next task. */
        long attempt;
        boolean timedOut;
        I input;
        long seq;
        R result;

        Worker(TaskTimes times, boolean sharedTimes) {
            this.times = times;
            this.sharedTimes = sharedTimes;
        }

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
                while (pull(this)) {
                    I next = input;
                    input = null;
                    publish(seq, stopping ? cancelledBeforeStart(next) : execute(this, next));
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

    /**
     * Pulls the next input into the worker once the window has room; false when the source is drained or the run
     * stopped.
     */
    private boolean pull(Worker worker) throws InterruptedException {
        Cursor c = cursor;
        synchronized (c) {
            // the consumer's count is read only when the room known from the last read is used up
            while (c.sequence >= c.limit) {
                c.limit = consumed.value + windowSize;
                if (c.sequence < c.limit) {
                    break;
                }
                if (stopping) {
                    return false;
                }
                // announce the wait before looking again, so the consumer cannot miss it (both are volatile)
                consumed.waitingForRoom++;
                try {
                    if (c.sequence >= consumed.value + windowSize && !stopping) {
                        c.wait();
                    }
                } finally {
                    consumed.waitingForRoom--;
                }
            }
            if (stopping || !advance(c)) {
                return false;
            }
            worker.input = takeRead(c);
            worker.seq = c.sequence - 1;
            return true;
        }
    }

    /**
     * Reads the next input of the source into the cursor, for a worker or, once stopped, for the consumer; false
     * when the source is drained or has failed (which fails the run). The caller holds the cursor's lock.
     */
    private boolean advance(Cursor c) {
        if (c.drained) {
            return false;
        }
        Iterator<? extends I> it = source.iterator();
        try {
            if (!it.hasNext()) {
                c.drained = true;
                return false;
            }
            c.read = it.next();
        } catch (Throwable e) {
            c.drained = true;
            fail(new ParallelizedException("the task source failed: " + Errors.describe(e, false), e));
            return false;
        }
        c.sequence++;
        return true;
    }

    @SuppressWarnings("unchecked")
    private I takeRead(Cursor c) {
        I input = (I) c.read;
        c.read = null;
        return input;
    }

    /** The consumer took one more outcome: room for one more input. */
    private void consumedOne() {
        Consumed count = consumed;
        count.value = count.value + 1;
        if (count.waitingForRoom > 0) {
            synchronized (cursor) {
                cursor.notifyAll();
            }
        }
    }

    private Outcome<I, R> cancelledBeforeStart(I input) {
        cancelledBeforeStart.increment();
        Outcome<I, R> outcome = new Outcome<>(input, null,
                new CancellationException("cancelled before it started"), 0, Duration.ZERO);
        reporters.outcome(outcome);
        return outcome;
    }

    private Outcome<I, R> execute(Worker worker, I input) {
        worker.counts.increment(WorkerCounts.STARTED);
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
        if (worker.sharedTimes) {
            synchronized (worker.times) {
                worker.times.record(nanos);
            }
        } else {
            worker.times.record(nanos);
        }
        if (error != null && stopping && !(error instanceof CancellationException)) {
            CancellationException cancelled = new CancellationException("cancelled while running");
            cancelled.initCause(error);
            error = cancelled;
        }
        Outcome<I, R> outcome = new Outcome<>(input, result, error, attempts, Duration.ofNanos(nanos));
        if (error == null) {
            worker.counts.increment(WorkerCounts.SUCCEEDED);
        } else if (error instanceof CancellationException) {
            worker.counts.increment(WorkerCounts.CANCELLED);
        } else {
            worker.counts.increment(WorkerCounts.FAILED);
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
                ended += w.counts.get(WorkerCounts.SUCCEEDED) + w.counts.get(WorkerCounts.FAILED);
            }
            if (ended >= config.minTasksForRate && (double) failed / ended > config.maxFailureRate) {
                stop(RunState.FAILED);
            }
        }
    }

    private void publish(long seq, Outcome<I, R> outcome) {
        completed.offer(config.ordered ? new Sequenced(seq, outcome) : outcome);
        // the consumer announces that it will park before it looks at the queue a last time; both sides use
        // volatile accesses, so either it sees this chunk or this thread sees its announcement
        if (consumerWaiting) {
            LockSupport.unpark(consumer);
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

    /** The source's read position: kept apart from the run's read-mostly fields, workers write it per task. */
    private static final class Cursor {
        long sequence;
        /** The input just read by {@link #advance}, until its reader takes it. */
        Object read;
        /** The sequence up to which the window had room when the consumer's count was last read. */
        long limit;
        boolean drained;
    }

    /**
     * How many outcomes the consumer took: written by the consumer alone, padded off other hot fields, and read
     * by the workers only when the room they knew of is used up.
     */
    private static final class Consumed {
        long p1;
        long p2;
        long p3;
        long p4;
        long p5;
        long p6;
        long p7;
        volatile long value;
        /**
         * The consumer's spin budget, touched by the consumer alone: kept here, off the run's fields that the
         * workers read per task, so that adapting it costs them no cache miss.
         */
        int spins = MIN_CONSUMER_SPINS;
        /** Workers waiting for room; written only by a worker that is about to wait. */
        volatile int waitingForRoom;
        long q1;
        long q2;
        long q3;
        long q4;
        long q5;
        long q6;
        long q7;
    }

    /** An outcome with its place in the source, for {@link Builder#ordered()}. */
    private record Sequenced(long seq, Outcome<?, ?> outcome) {
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
        synchronized (cursor) {
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
     * Takes the next outcome (a {@link Sequenced} one when ordered) in completion order, waiting for it; null at
     * the end. Once the run is stopped the consumer itself turns what is left in the source into cancelled
     * outcomes. An interrupt of the consumer, whether it waits or not, cancels the run.
     */
    private Object take() {
        Thread current = Thread.currentThread();
        if (consumer != current) {
            // a volatile write per outcome would cost a full fence on the consumer's hot path
            consumer = current;
        }
        if (current.isInterrupted()) {
            throw interrupted();
        }
        while (true) {
            Object next = completed.poll();
            if (next != null) {
                return next;
            }
            if (stopping) {
                next = cancelNextUnstarted();
                if (next != null) {
                    return next;
                }
            }
            if (liveWorkers.get() == 0) {
                return completed.poll();
            }
            if (closed) {
                return null;
            }
            // a spin first: waking a parked consumer costs the workers a system call per outcome
            Consumed own = consumed;
            int spins = own.spins;
            for (int spin = 0; spin < spins && next == null; spin++) {
                Thread.yield();
                next = completed.poll();
            }
            if (next != null) {
                own.spins = Math.min(MAX_CONSUMER_SPINS, spins * 2);
                return next;
            }
            own.spins = Math.max(MIN_CONSUMER_SPINS, spins / 2);
            consumerWaiting = true;
            next = completed.poll();
            if (next == null && liveWorkers.get() > 0 && !stopping) {
                LockSupport.park(this);
            }
            consumerWaiting = false;
            if (next != null) {
                return next;
            }
            if (current.isInterrupted()) {
                throw interrupted();
            }
        }
    }

    /** The consumer was interrupted: the run is cancelled and the caller hears of it, its flag kept. */
    private CancellationException interrupted() {
        cancel();
        return new CancellationException("the consuming thread was interrupted: the run was cancelled");
    }

    private Object cancelNextUnstarted() {
        I input;
        long seq;
        synchronized (cursor) {
            if (!advance(cursor)) {
                return null;
            }
            input = takeRead(cursor);
            seq = cursor.sequence - 1;
        }
        Outcome<I, R> outcome = cancelledBeforeStart(input);
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
            consumedOne();
            return (Outcome<I, R>) outcome;
        }
    }

    /** Submission order: outcomes that finish early wait (inside the admission window) for those before them. */
    private final class OrderedOutcomes implements Iterator<Outcome<I, R>> {
        private final Map<Long, Outcome<?, ?>> early = new HashMap<>();
        private long expected;
        private Outcome<?, ?> next;
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
                Outcome<?, ?> ready = early.remove(expected);
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
            Outcome<?, ?> outcome = next;
            next = null;
            consumedOne();
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
            done += w.counts.get(WorkerCounts.SUCCEEDED) + w.counts.get(WorkerCounts.FAILED) + w.counts.get(WorkerCounts.CANCELLED);
        }
        return done;
    }

    @Override
    public long failed() {
        long failed = 0;
        for (Worker w : workers) {
            failed += w.counts.get(WorkerCounts.FAILED);
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
            succeeded += w.counts.get(WorkerCounts.SUCCEEDED);
            failed += w.counts.get(WorkerCounts.FAILED);
            cancelledRunning += w.counts.get(WorkerCounts.CANCELLED);
        }
        for (Worker w : workers) {
            started += w.counts.get(WorkerCounts.STARTED);
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
        synchronized (cursor) {
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
        for (int i = 0; i < Math.min(workers.length, OWN_TIMES); i++) {
            workers[i].times.addTo(times);
        }
        for (TaskTimes stripe : sharedTimes) {
            synchronized (stripe) {
                stripe.addTo(times);
            }
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
