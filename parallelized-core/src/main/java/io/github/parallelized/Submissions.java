package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run's loops on a supplied executor: submitted, refused (a busy bounded queue: submitted again while the
 * consumer waits), or launched and not yet begun ({@link #pending()}), which tells a run that waits for the pool from
 * a run whose loops the executor dropped (it terminated with them queued). Also marks the threads that run a loop
 * of this executor ({@link #LOOP_EXECUTOR}), so that a nested run's consumer can tell it is one of them.
 *
 * <p>An executor that accepts a loop and never runs it (a custom executor that drops work without refusing it) is
 * not told from a busy one: the run waits, and {@code cancel()} or {@code close()} ends it. So that the wait is
 * never silent, the consumer warns once when none of the run's loops runs and none has begun for {@link
 * #defaultStallWarningNanos} while some wait to begin ({@link #submitRefused}).
 */
final class Submissions<I, R> {

    /** The executor whose worker loop the current thread is in, if any: tells a nested run's consumer. */
    static final ThreadLocal<ExecutorService> LOOP_EXECUTOR = new ThreadLocal<>();

    /**
     * The submission this thread is inside the executor's execute() for: its loop, if it begins then, runs on the
     * submitter. One submission's own, so that another loop an executor runs meanwhile is never refused unseen.
     */
    private static final ThreadLocal<boolean[]> SUBMITTING = new ThreadLocal<>();

    /** How long the run's loops may all wait to begin, none running, before the consumer warns (tests shorten it). */
    static volatile long defaultStallWarningNanos = TimeUnit.SECONDS.toNanos(30);
    private static final Log LOG = Log.named("io.github.parallelized");

    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<Worker<I, R>> refused = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    /** Loops that began so far: a stall's clock starts again whenever one does. */
    private final AtomicInteger begun = new AtomicInteger();
    private final String run;
    private final long stallWarningNanos;
    /** The consumer's view of a stall (see {@link #watch}): read and written on the consumer's thread only. */
    private int begunWhenStalled = -1;
    private long stalledSince;
    private boolean warned;

    Submissions(ExecutorService executor, String run) {
        this.executor = executor;
        this.run = run;
        this.stallWarningNanos = defaultStallWarningNanos;
    }

    /**
     * Launches the worker's loop: submitted now, or again later when a busy executor refuses it.
     *
     * @throws ParallelizedException when the executor was shut down; whatever else the executor throws passes on
     *                               (either way the loop is not pending then)
     */
    void launch(Worker<I, R> worker) {
        pending.incrementAndGet();
        try {
            if (!submit(worker)) {
                refused.add(worker);
            }
        } catch (RuntimeException | Error e) {
            pending.decrementAndGet();
            throw e;
        }
    }

    /**
     * At the end of a time slice: true when the loop goes on in a new submission, false to keep this thread: the
     * executor refused it, or threw anything else (a pool that cannot make a thread throws an {@code OutOfMemoryError}
     * "unable to create native thread"): thrown out of the loop, it would end it uncounted, and the run would wait
     * for ever for a loop that is gone.
     */
    boolean resubmit(Worker<I, R> worker) {
        pending.incrementAndGet();
        try {
            execute(worker);
            return true;
        } catch (RuntimeException | Error e) {
            pending.decrementAndGet();
            return false;
        }
    }

    private boolean submit(Worker<I, R> worker) {
        try {
            execute(worker);
            return true;
        } catch (RejectedExecutionException e) {
            if (executor.isShutdown()) {
                throw new ParallelizedException("the executor was shut down: it refused the run's worker loops", e);
            }
            return false; // a busy bounded queue: submitted again while the consumer waits
        }
    }

    /**
     * Hands the loop to the executor, which must run it on a thread of its own: a direct executor ({@code
     * Runnable::run}) or a rejection policy that runs refused work on the caller would run the loop inside
     * execute(), on the thread that starts the run or on a loop's thread, where it would wait for a consumer that
     * never comes (start() would not return). Such a loop is not run, and the executor is refused, naming why.
     */
    private void execute(Worker<I, R> worker) {
        Runnable launch = worker.launch;
        boolean[] inline = new boolean[1];
        // one run per submission: taken by the executor's first run of it, or by this thread when execute() failed,
        // so that an executor that runs a command twice, or runs it and throws anyway, never runs one worker's loop
        // on two threads at once (inputs were lost, an outcome came with another worker's input)
        AtomicBoolean once = new AtomicBoolean();
        boolean[] outer = SUBMITTING.get();
        SUBMITTING.set(inline);
        try {
            executor.execute(() -> {
                if (SUBMITTING.get() == inline) {
                    inline[0] = true;
                    return;
                }
                if (once.compareAndSet(false, true)) {
                    launch.run();
                }
            });
        } catch (RuntimeException | Error e) {
            if (!once.compareAndSet(false, true)) {
                return; // the executor ran the loop and threw anyway: it runs, once
            }
            throw e;
        } finally {
            if (outer == null) {
                SUBMITTING.remove();
            } else {
                SUBMITTING.set(outer);
            }
        }
        if (inline[0] && once.compareAndSet(false, true)) {
            throw new ParallelizedException("the executor ran a worker loop on the calling thread, inside execute() "
                    + "(a direct executor, or a rejection policy that runs work on the caller): the loop would wait "
                    + "there for a consumer that never comes; give the run an executor that runs its tasks on threads "
                    + "of its own", null);
        }
    }

    /** A launched loop began, or will never begin (its decorator did not run it). */
    void began() {
        pending.decrementAndGet();
        begun.incrementAndGet();
    }

    /** Loops launched and not yet begun. */
    int pending() {
        return pending.get();
    }

    /**
     * While the consumer waits, with loops launched and not begun: submits again what a busy executor refused, and
     * warns once when none of the {@code live} loops has run for a while ({@link #watch}). False when the executor is
     * shut down (then nothing is submitted).
     *
     * @throws ParallelizedException when the executor terminated with loops of this run that never began, or was
     *                               shut down while they were submitted again
     */
    boolean submitRefused(int live) {
        watch(live);
        if (executor.isShutdown()) {
            // queued loops still run after shutdown(), not after shutdownNow(): termination tells them apart
            if (executor.isTerminated() && pending.get() > 0) {
                throw neverBegan(pending.get());
            }
            return false;
        }
        for (Worker<I, R> worker; (worker = refused.poll()) != null; ) {
            if (!submit(worker)) {
                refused.add(worker);
                break;
            }
        }
        return true;
    }

    /**
     * The executor terminated with {@code waiting} loops launched and never begun, saying what became of them: those
     * still in {@link #refused} were never accepted (a full queue refused them, and once it was shut down, by {@code
     * shutdown()} or {@code close()} alike, they could not be submitted again); the others were accepted and
     * dropped (as {@code shutdownNow()} drops queued work). Only the consumer takes from {@code refused}, and after
     * the termination no loop is added to it (a launch is refused as shut down), so the count holds.
     */
    private ParallelizedException neverBegan(int waiting) {
        int notAccepted = Math.min(refused.size(), waiting);
        int dropped = waiting - notAccepted;
        StringBuilder what = new StringBuilder("the executor terminated with ").append(waiting)
                .append(" worker loop(s) of this run that never began: ");
        if (dropped > 0) {
            what.append(dropped).append(" accepted by the executor and dropped unrun (as shutdownNow() drops queued "
                    + "work)");
        }
        if (notAccepted > 0) {
            what.append(dropped > 0 ? "; " : "").append(notAccepted).append(" refused by the executor (a full "
                    + "queue) and not submitted again, since it was shut down meanwhile");
        }
        return new ParallelizedException(what.toString(), null);
    }

    /**
     * Warns once when every live loop of the run waits to begin (none runs) and none has begun for the stall
     * warning's time: the executor is busy with other work, or accepted the loops and dropped them.
     */
    private void watch(int live) {
        int seen = begun.get();
        if (live > pending.get() || seen != begunWhenStalled) {
            begunWhenStalled = seen; // a loop runs, or one began since the last look: the clock starts again
            stalledSince = System.nanoTime();
            return;
        }
        if (!warned && System.nanoTime() - stalledSince >= stallWarningNanos) {
            warned = true;
            LOG.warn("Run {}: none of its {} worker loop(s) submitted to the executor has begun for {}, and none "
                    + "of its loops runs: the executor is busy with other work, or accepted them and dropped them (an "
                    + "executor must run or refuse every command). The run waits for them; cancel() or close() ends it",
                    run, pending.get(), Durations.format(Duration.ofNanos(System.nanoTime() - stalledSince)));
        }
    }

    /** Whether the current thread runs a loop of this executor (a nested run's consumer, when it helps). */
    boolean onThisExecutor() {
        return LOOP_EXECUTOR.get() == executor;
    }

    /** A loop began on the executor: returns what {@link #LOOP_EXECUTOR} was, for {@link #left}. */
    ExecutorService entered() {
        began();
        ExecutorService outer = LOOP_EXECUTOR.get();
        LOOP_EXECUTOR.set(executor);
        return outer;
    }

    void left(ExecutorService outer) {
        if (outer == null) {
            LOOP_EXECUTOR.remove();
        } else {
            LOOP_EXECUTOR.set(outer);
        }
    }
}
