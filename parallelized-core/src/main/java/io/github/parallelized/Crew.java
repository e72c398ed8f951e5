package io.github.parallelized;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The workers of one run and where their loops run: threads of the run's own, or a supplied executor. Keeps
 * count of the loops that can still make progress ({@link #live}: launched and not gone) and of those launched
 * on the executor but not yet begun ({@link Submissions#pending()}), so that the consumer can tell a run that waits from a run
 * that can no longer progress.
 *
 * <p>A supplied executor may refuse, delay or drop the loops: a refused one (a busy bounded queue) is submitted
 * again later; when none has begun and the consumer is itself a worker loop on the same executor (a nested run),
 * the consumer runs its run's tasks itself, so nested runs on the same bounded pool complete; loops that an
 * executor dropped (it terminated with them queued) fail the run.
 */
final class Crew<I, R> implements Loops<I, R> {

    /** How long close() lets interrupted workers leave before it stops waiting for stragglers. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Admission<I> admission;
    private final Tasks<I, R> tasks;
    final boolean shared;
    /** The workers; on a supplied executor the last one is the consumer's, used when it helps. */
    final Worker<I, R>[] workers;
    private final Handoff handoff;
    private final Lifecycle lifecycle;
    private final Counters counters;
    /** The loops on a supplied executor, or null for threads of the run's own. */
    private final Submissions<I, R> submissions;
    /** The threads of the run's own, or null on a supplied executor. */
    private final OwnThreads threads;
    private final AtomicInteger live = new AtomicInteger();
    private volatile Throwable lostBecause;
    /** The loops of a run on virtual threads, started as inputs come (see {@link Growth}); null otherwise. */
    private final Growth growth;

    @SuppressWarnings("unchecked")
    Crew(RunConfig config, Admission<I> admission, Tasks<I, R> tasks, Handoff handoff, Lifecycle lifecycle,
         Counters counters, String id, long sourceSize) {
        this.handoff = handoff;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.admission = admission;
        this.tasks = tasks;
        this.shared = config.executor() != null;
        this.submissions = shared ? new Submissions<>(config.executor(), id) : null;
        this.threads = shared ? null : new OwnThreads(config, id);
        int count = config.loops();
        this.workers = (Worker<I, R>[]) new Worker<?, ?>[count];
        counters.workers(workers);
        if (config.virtualThreads() && !shared) {
            // the decorator is called once, here on the starting thread (it may capture its context), for every loop
            this.growth = new Growth(config, sourceSize, config.window());
            admission.workers(workers, growth.created);
            int first = Math.min(count, Runtime.getRuntime().availableProcessors());
            for (int i = 0; i < first; i++) {
                create(i);
            }
            growth.created.set(first);
            return;
        }
        this.growth = null;
        admission.workers(workers, null);
        for (int i = 0; i < count; i++) {
            create(i);
        }
        for (Worker<I, R> worker : workers) {
            worker.launch = new Launch<>(this, worker,
                    Launch.decorate(config, new Loop<>(this, worker, admission, tasks)));
        }
    }

    /** Creates worker {@code i}; a lazily started one gets its launch here (the others' after the decorator). */
    private Worker<I, R> create(int i) {
        Worker<I, R> worker = new Worker<>(this, i, counters.timesFor(i), counters.countsFor(i), handoff.outbox(i));
        if (growth != null) {
            Loop<I, R> loop = new Loop<>(this, worker, admission, tasks);
            worker.body = loop;
            // no decorator: the loop alone, a shorter stack, which a virtual thread copies at each park
            worker.launch = growth.decorated == growth.body ? loop : new Launch<>(this, worker, growth.decorated);
        }
        workers[i] = worker;
        return worker;
    }

    /** A loop of a run on virtual threads admitted an input: it starts one more, until the consumer starts them. */
    @Override
    public void grow() {
        Growth lazily = growth;
        if (lazily != null && !lazily.consumerGrows) {
            startOneMore(lazily);
        }
    }

    /** The consumer found no outcome: on virtual threads it starts loops ({@link Growth#consumerStarts}). */
    boolean growFromConsumer() {
        Growth lazily = growth;
        if (lazily == null) {
            return false;
        }
        long cap = lazily.consumerStarts(admission.admittedSoFar());
        int started = 0;
        while (started < Growth.AHEAD && lazily.created.get() < cap && startOneMore(lazily)) {
            started++;
        }
        return started > 0;
    }

    private boolean startOneMore(Growth lazily) {
        int next = lazily.next(workers.length, admission);
        if (next < 0) {
            return false;
        }
        Worker<I, R> worker = create(next);
        live.incrementAndGet();
        try {
            threads.start(worker);
            return true;
        } catch (Throwable e) {
            lostBecause = e; // no thread to be had: the run goes on with the loops it has
            exited(worker);
            return false;
        }
    }

    /**
     * Runs the decorated loop, and counts it as gone when the decorator did not let it begin. On virtual threads
     * the launch is queued for the run's one decorated body, and withdrawn if no body took it ({@link Growth}).
     */
    void launch(Launch<I, R> launch) {
        Worker<I, R> worker = launch.worker;
        long before = worker.thread.entries();
        if (growth != null) {
            growth.queue(launch);
        }
        Throwable error = null;
        try {
            launch.decorated.run();
        } catch (Throwable e) {
            error = e;
        }
        if (growth != null ? launch.withdraw() : worker.thread.entries() == before) {
            lostBecause = error != null ? error
                    : new IllegalStateException("the decorator returned without running the worker loop");
            if (shared) {
                submissions.began();
            }
            exited(worker);
        }
    }

    /** Starts every loop; throws when the run cannot start, after stopping what did start. */
    void start() {
        int loops = growth != null ? growth.created.get() : shared ? workers.length - 1 : workers.length;
        live.set(loops);
        if (!shared) {
            for (int i = 0; i < loops; i++) {
                threads.start(workers[i]);
            }
            return;
        }
        for (int i = 0; i < loops; i++) {
            submissions.launch(workers[i]);
        }
    }

    @Override
    public boolean takesTurns() {
        return shared;
    }

    @Override
    public boolean resubmit(Worker<I, R> worker) {
        return submissions.resubmit(worker);
    }

    @Override
    public boolean replace(Worker<I, R> worker) {
        if (shared && worker == workers[workers.length - 1]) {
            live.incrementAndGet(); // the consumer's worker becomes a loop of its own
        }
        try {
            if (shared) {
                submissions.launch(worker);
            } else {
                threads.start(worker);
            }
            return true;
        } catch (Throwable e) {
            lostBecause = e;
            return false;
        }
    }

    /** Relaunches a loop that gave its thread back ({@link AsyncTasks#reserve}); false: a stopped executor lost it. */
    @Override
    public boolean relaunch(Worker<I, R> worker) {
        try {
            submissions.launch(worker);
            return true;
        } catch (RuntimeException | Error e) { // any throw of the executor: the loop is gone, counted as such
            lostBecause = e;
            exited(worker);
            return false;
        }
    }

    @Override
    public ExecutorService entered() {
        return shared ? submissions.entered() : null;
    }

    @Override
    public void left(ExecutorService outer) {
        if (shared) {
            submissions.left(outer);
        }
    }

    @Override
    public void exited(Worker<I, R> worker) {
        if (growth != null && worker.index >= Counters.OWN_TIMES) {
            workers[worker.index] = null; // left for good, nothing claimed: its parts may go before the run ends
        }
        if (live.decrementAndGet() == 0) {
            handoff.wake();
        }
    }

    @Override
    public void died(Worker<I, R> worker, Throwable cause) {
        lostBecause = cause; // its worker stays known: what it claimed and did not start, the others take
        if (live.decrementAndGet() == 0) {
            handoff.wake();
        }
    }

    int live() {
        return live.get();
    }

    Throwable lostBecause() {
        return lostBecause;
    }

    void interruptAll() {
        for (Worker<I, R> worker : workers) {
            if (worker != null) { // a run on virtual threads creates its workers as inputs come
                worker.thread.interrupt();
            }
        }
    }

    /**
     * While the consumer waits: submits again what a busy executor refused, fails the run when the executor
     * dropped loops that never began, and, for a nested run's consumer while none has begun, runs one task of the
     * run on the consumer's thread. True when it ran one.
     */
    boolean help(Thread consumer) {
        if (!shared || submissions.pending() == 0) {
            return false;
        }
        try {
            if (!submissions.submitRefused(live.get())) {
                return false;
            }
        } catch (ParallelizedException e) {
            lifecycle.fail(e);
            return false;
        }
        // only a consumer that is itself a worker loop on this executor (a nested run), and only while no loop of
        // its run has begun: then the run cannot progress without it; anyone else waits, so that the pool's size
        // stays the most tasks that run at once
        if (live.get() > submissions.pending() || !submissions.onThisExecutor()) {
            return false;
        }
        return new Loop<>(this, workers[workers.length - 1], admission, tasks).runOneOn(consumer, lifecycle);
    }

    /**
     * Waits for the workers to leave: at once when they are between tasks, up to a short grace when an
     * interrupted task is still unwinding, and never for a task that ignores its interrupt.
     */
    void awaitExit() {
        long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        // a loop counts as gone once it has left for good (an abandoned thread, whose task timed out, no longer
        // counts); one launched on an executor and never begun is not waited for
        while (live.get() > (shared ? submissions.pending() : 0) && deadline - System.nanoTime() > 0) {
            LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(200));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
