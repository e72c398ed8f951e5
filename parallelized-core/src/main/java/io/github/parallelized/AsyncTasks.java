package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The tasks of an {@link AsyncTaskFunction}: a worker loop starts an admitted input's attempt and goes on at once;
 * the attempt ends on whatever thread completes its stage, its timeout's, or the thread that stops the run. So
 * {@link RunConfig#asyncInFlight()} tasks are in flight with a loop per processor, and no thread waits per task.
 *
 * <p>An attempt's state is one int, moved by CAS: {@link #WAITING} (not started, or between attempts), the number
 * of its attempt in flight, {@link #ENDING} (one thread decides its retry or its outcome), {@link #ENDED}. Whoever
 * moves an attempt out of flight owns what comes next, so each attempt ends once, and each input has one outcome
 * whatever races between its stage, its timeout and a stop. Every attempt not ended is in {@link #pending}: a
 * stop ends them all (Dekker with the loops: an attempt is registered before its loop reads the run's state, the
 * stopper changes the state before it reads the registry). Retries start on a worker loop (after the backoff, if
 * any): the loops wait for the tasks in flight before they leave.
 */
final class AsyncTasks<I, R> {

    /** The attempt whose {@code apply} runs on this thread: where {@link Parallelized#countResubmission()} counts. */
    static final ThreadLocal<Attempt<?, ?>> STARTING = new ThreadLocal<>();

    static final int WAITING = 0;
    static final int ENDING = -1;
    static final int ENDED = -2;
    /** How long a loop waiting for room among the tasks in flight sleeps before it looks again by itself. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final AsyncTaskFunction<? super I, ? extends R> function;
    private final RunConfig config;
    private final Room room;
    private final Lifecycle lifecycle;
    private final Counters counters;
    private final Delivery<I, R> delivery;
    private final AttemptPolicy policy;
    private final int limit;
    /** Inputs that hold a place among the tasks in flight: from before their first attempt to their outcome. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Inputs parked for their limit's permits without a place (they gave it back, so that other keys' inputs run
     * meanwhile); counted with the places wherever a loop or the consumer asks whether tasks are outstanding.
     */
    private final AtomicInteger placeless = new AtomicInteger();
    /** Parked inputs that are ready and wait for a place: they get the next place before any new input. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Attempt<I, R>> awaitingPlace =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Set<Attempt<I, R>> pending = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Attempt<I, R>> retries = new ConcurrentLinkedQueue<>();
    /** Worker loops parked until a task ends or a retry is due: the one who frees a place unparks one. */
    private final ConcurrentLinkedQueue<Thread> waiters = new ConcurrentLinkedQueue<>();
    /**
     * On a supplied executor, loops that gave their thread back instead of parking (the stages' own work may need
     * the pool's threads): the one who frees a place, or queues a retry, launches one again.
     */
    private final ConcurrentLinkedQueue<Worker<I, R>> away = new ConcurrentLinkedQueue<>();
    private final boolean shared;
    /** The run's limits, or null; with them, the attempts waiting for permits (started by the loops when ready). */
    private final RunLimits<I> limits;
    private final Throttled<Attempt<I, R>> throttled;

    /** What {@link #reserve} found: a place, a stopped run, or no place yet and the loop gave its thread back. */
    static final int RESERVED = 0;
    static final int STOPPED = 1;
    static final int AWAY = 2;

    AsyncTasks(AsyncTaskFunction<? super I, ? extends R> function, RunConfig config, AttemptPolicy policy,
               RunLimits<I> limits, Room room, Lifecycle lifecycle, Counters counters,
               Delivery<I, R> delivery) {
        this.function = function;
        this.config = config;
        this.room = room;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.delivery = delivery;
        this.policy = policy;
        this.limit = config.asyncInFlight();
        this.shared = config.executor() != null;
        this.limits = limits;
        this.throttled = limits == null ? null : new Throttled<>(() -> {
            wakeOne();
            room.nudge();
        });
        room.beforeWait(this::startRetries);
    }

    /** One input of an asynchronous run, from its admission to its outcome. */
    static final class Attempt<I, R> {
        private static final VarHandle STATE =
                VarHandles.field(MethodHandles.lookup(), Attempt.class, "state", int.class);
        private static final VarHandle RESUBMITTED =
                VarHandles.field(MethodHandles.lookup(), Attempt.class, "resubmitted", int.class);

        final I input;
        final long seq;
        final long begin;
        /** Attempts started; written by the loop that starts one, read by whoever ends it (after the state's CAS). */
        int attempts;
        /** The error of the last attempt, while a retry waits. */
        Throwable lastError;
        /** Parked for its permits without a place among the tasks in flight; under this attempt's monitor. */
        boolean placeless;
        /**
         * Its limits' permits, or null: taken before each attempt, given back when the attempt ends, closed with the
         * outcome; used under this attempt's monitor (a stop may end it while a loop starts it).
         */
        RunLimits<I>.Slot slot;
        private volatile int state;
        private volatile int resubmitted;
        private volatile CompletionStage<?> stage;
        private volatile ScheduledFuture<?> timer;
        /** The last stage that completed by itself (of this attempt or an earlier one): it needs no cancel. */
        private volatile CompletionStage<?> completed;

        Attempt(I input, long seq, long begin) {
            this.input = input;
            this.seq = seq;
            this.begin = begin;
        }

        boolean move(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        /** Counts one resubmission while the attempt is not ended (a late count would not reach the outcome). */
        void countResubmission() {
            if (state != ENDED) {
                RESUBMITTED.getAndAdd(this, 1);
            }
        }

        /**
         * Stops what the attempt still has going: its timer, and, when it timed out, its stage's future (which may
         * refuse), here: a timed-out attempt ends on an offload thread already, and its outcome follows the cancel.
         */
        void stopWork(boolean timedOut) {
            ScheduledFuture<?> pendingTimer = timer;
            if (pendingTimer != null) {
                pendingTimer.cancel(false);
            }
            CompletionStage<?> started = stage;
            if (timedOut && started != null && started != completed) {
                cancelNow(started);
            }
        }
    }

    /** Inputs that hold a place among the tasks in flight (the consumer's end check). */
    int inFlight() {
        return inFlight.get() + placeless.get();
    }

    /**
     * On a worker loop, before it takes an input: waits for a place among the tasks in flight (starting due retries
     * meanwhile), so that a stop finds the inputs not started still in the source. {@link #RESERVED}, {@link
     * #STOPPED}, or {@link #AWAY}: on a supplied executor a loop gives its thread back rather than wait, and is
     * launched again when a place frees or a retry falls due (then this thread must leave the loop at once).
     */
    int reserve(Worker<I, R> worker) {
        int found = awaitRoom(worker);
        if (found == RESERVED) {
            worker.reservedPlace = true;
        }
        return found;
    }

    /** The loop leaves with a place it reserved and did not use. */
    void unreserve(Worker<I, R> worker) {
        if (worker.reservedPlace) {
            worker.reservedPlace = false;
            inFlight.decrementAndGet();
            wakeOne();
        }
    }

    /**
     * Starts {@code input}'s first attempt in the place its loop reserved (the consumer helping a nested run waits
     * for one here); an input the run stopped before it started comes out cancelled.
     */
    void start(Worker<I, R> worker, I input, long seq) {
        if (worker.reservedPlace) {
            worker.reservedPlace = false;
        } else if (awaitRoom(null) != RESERVED) {
            delivery.deliver(worker.outbox, seq, counters.cancelledBeforeStart(input));
            return;
        }
        Attempt<I, R> attempt = new Attempt<>(input, seq, System.nanoTime());
        if (limits != null) {
            RunLimits<I>.Slot slot = limits.slot(input);
            if (slot.error() != null) {
                slot.close();
                counters.failedOutsideTask();
                attempt.state = ENDED;
                pending.remove(attempt);
                endUnregistered(attempt, new Outcome<>(input, null, slot.error(), 0, Duration.ZERO));
                return;
            }
            attempt.slot = slot;
        }
        pending.add(attempt);
        if (!lifecycle.isRunning()) {
            // the stop may have read the registry before this attempt was in it: whoever moves it first ends it
            if (attempt.move(WAITING, ENDING)) {
                end(attempt, counters.cancelledBeforeStart(input));
            }
            return;
        }
        launch(attempt);
    }

    /**
     * On a worker loop whose source is drained: starts the retries due until no task of the run is in flight. True
     * when the loop gave its thread back meanwhile (see {@link #reserve}): this thread then leaves at once.
     */
    boolean awaitInFlight(Worker<I, R> worker) {
        while (inFlight.get() > 0 || placeless.get() > 0) {
            if (!lifecycle.isRunning()) {
                cancelAll();
            }
            startRetries();
            // a ready parked input counts only with a free place for it: else this loop would spin until one frees
            java.util.function.BooleanSupplier ready = () -> inFlight.get() == 0 && placeless.get() == 0
                    || !retries.isEmpty() || !awaitingPlace.isEmpty() && inFlight.get() < limit;
            if (goneAway(worker, ready)) {
                return true;
            }
            park(ready);
        }
        return false;
    }

    /** Waits for a place among the tasks in flight, starting retries meanwhile (see {@link #reserve}). */
    private int awaitRoom(Worker<I, R> worker) {
        while (true) {
            startRetries();
            // first: between the run's stop and its admission's, a loop would otherwise take inputs only to
            // cancel them
            if (!lifecycle.isRunning()) {
                return STOPPED;
            }
            int now = inFlight.get();
            if (now < limit) {
                if (inFlight.compareAndSet(now, now + 1)) {
                    return RESERVED;
                }
                continue;
            }
            java.util.function.BooleanSupplier ready =
                    () -> inFlight.get() < limit || !retries.isEmpty() || !lifecycle.isRunning();
            if (goneAway(worker, ready)) {
                return AWAY;
            }
            park(ready);
        }
    }

    /**
     * On a supplied executor, a loop about to wait gives its thread back: the stages' own work may need the pool
     * (a {@code supplyAsync(work, pool)}), and a pool whose threads all wait for that work never runs it. The loop
     * is listed before it looks once more, so that a wake-up between the two is not missed: whoever takes it off
     * the list launches it again. False when the loop goes on here (not shared, or ready after all).
     */
    private boolean goneAway(Worker<I, R> worker, java.util.function.BooleanSupplier ready) {
        if (!shared || worker == null) {
            return false;
        }
        away.add(worker);
        return !(ready.getAsBoolean() && away.remove(worker));
    }

    /** Parks this loop until {@code ready} (checked after it is on the waiters' list), a wake-up, or a while. */
    private void park(java.util.function.BooleanSupplier ready) {
        Thread current = Thread.currentThread();
        waiters.add(current);
        if (!ready.getAsBoolean()) {
            LockSupport.parkNanos(this, throttled == null ? WAIT_NANOS
                    : Math.max(1, Math.min(WAIT_NANOS, throttled.nanosUntilNext(System.nanoTime()))));
        }
        waiters.remove(current);
        // a stop interrupts the loops: it is read from the run's state, not from the flag
        Thread.interrupted();
    }

    private void wakeOne() {
        Thread waiter = waiters.poll();
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
        Worker<I, R> gone = away.poll();
        if (gone != null) {
            gone.loops.relaunch(gone);
        }
    }

    private void wakeAll() {
        for (Thread waiter; (waiter = waiters.poll()) != null; ) {
            LockSupport.unpark(waiter);
        }
        for (Worker<I, R> gone; (gone = away.poll()) != null; ) {
            gone.loops.relaunch(gone);
        }
    }

    private void startRetries() {
        if (throttled != null) {
            for (Attempt<I, R> ready; (ready = throttled.poll(System.nanoTime())) != null; ) {
                awaitingPlace.add(ready);
            }
            // taken off the deque before it is placed: two loops never place (and start) one attempt twice
            for (Attempt<I, R> ready; (ready = awaitingPlace.pollFirst()) != null; ) {
                int placed = placeFor(ready);
                if (placed == NO_PLACE) {
                    awaitingPlace.addFirst(ready); // the next end frees a place (and wakes a loop)
                    break;
                }
                if (placed == PLACED) {
                    retries.add(ready);
                }
            }
        }
        for (Attempt<I, R> retry; (retry = retries.poll()) != null; ) {
            if (lifecycle.isRunning()) {
                launch(retry);
            } else if (retry.move(WAITING, ENDING)) {
                finish(retry, retry.attempts, null, stoppedBetweenAttempts(retry));
            }
        }
    }

    private static final int PLACED = 0;
    private static final int NO_PLACE = 1;
    private static final int GONE = 2;

    /**
     * A ready parked input takes a place among the tasks in flight again (one that kept its place, a retry's, needs
     * none): {@link #PLACED}, {@link #NO_PLACE} (all taken: it waits for the next), or {@link #GONE} (a stop ended it).
     */
    private int placeFor(Attempt<I, R> attempt) {
        synchronized (attempt) {
            if (!attempt.placeless) {
                return GONE; // placed already, by the loop that started it
            }
            if (attempt.state != WAITING) {
                return GONE; // ended by a stop: its end counted it out of the placeless ones
            }
            while (true) {
                int now = inFlight.get();
                if (now >= limit) {
                    return NO_PLACE;
                }
                if (inFlight.compareAndSet(now, now + 1)) {
                    break;
                }
            }
            attempt.placeless = false;
            placeless.decrementAndGet(); // after the place was taken: the outstanding count never reads 0 meanwhile
            return PLACED;
        }
    }

    /** Starts the next attempt of an input that is {@link #WAITING}, unless a stop ended it meanwhile. */
    private void launch(Attempt<I, R> attempt) {
        int number = attempt.attempts + 1;
        if (attempt.slot != null) {
            synchronized (attempt) {
                if (attempt.state != WAITING) {
                    return; // a stop ended it while it was parked
                }
                long wait = attempt.slot.acquire();
                if (wait != 0) {
                    // parked without its place, so that another key's input runs meanwhile: counted placeless
                    // first, so that the outstanding count never reads 0 in between
                    if (!attempt.placeless) { // it holds a place (a parked one was placed before it got here)
                        attempt.placeless = true;
                        placeless.incrementAndGet();
                        freePlace();
                    }
                    if (wait == TaskLimit.ON_RELEASE) {
                        throttled.parkForRelease(attempt, attempt.slot.limit(), attempt.slot.seenReleases());
                    } else {
                        throttled.parkUntil(attempt, System.nanoTime() + wait);
                    }
                    return;
                }
                if (!attempt.move(WAITING, number)) {
                    attempt.slot.release();
                    return;
                }
            }
        } else if (!attempt.move(WAITING, number)) {
            return;
        }
        attempt.attempts = number;
        if (number == 1) {
            counters.count(WorkerCounts.STARTED, 1);
        }
        CompletionStage<? extends R> stage;
        Attempt<?, ?> outer = STARTING.get();
        STARTING.set(attempt);
        try {
            stage = function.apply(attempt.input);
        } catch (Throwable e) {
            ended(attempt, number, null, e, false);
            return;
        } finally {
            if (outer == null) {
                STARTING.remove();
            } else {
                STARTING.set(outer);
            }
        }
        if (stage == null) {
            ended(attempt, number, null, new NullPointerException(
                    "the asynchronous task function returned null instead of a CompletionStage"), false);
            return;
        }
        attempt.stage = stage;
        ScheduledFuture<?> timeout = null;
        if (config.timeout() != null) {
            // the shared timeout thread does no user work: the attempt's end (listeners, failure policy, the stage's
            // cancel) runs on a thread of the offload pool
            timeout = Timer.timeout(() -> offload(() -> ended(attempt, number, null, new TimeoutException(
                    "task timed out after " + Durations.format(config.timeout())), true)), config.timeout());
            attempt.timer = timeout;
        }
        try {
            stage.whenComplete((value, error) -> {
                attempt.completed = stage;
                ended(attempt, number, value, error, false);
            });
        } catch (Throwable e) {
            ended(attempt, number, null, e, false);
        }
        if (attempt.state != number) {
            // ended before its stage was known here (a stop, a timeout) or by it: cancel this attempt's timeout,
            // which a stop that came during apply saw no trace of (it would hold the run in the shared timeout queue
            // until its deadline; not attempt.timer, maybe the next attempt's), and the stage unless it completed
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (attempt.completed != stage) {
                cancel(stage);
            }
        }
    }

    /**
     * Attempt {@code number} ended (its stage, apply, or its timeout: then its stage is cancelled): a retry, or the
     * input's outcome.
     */
    private void ended(Attempt<I, R> attempt, int number, Object value, Throwable failure, boolean timedOut) {
        if (!attempt.move(number, ENDING)) {
            return; // a late end: its timeout or a stop came first
        }
        Throwable error = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        attempt.stopWork(timedOut);
        releasePermits(attempt);
        if (error == null) {
            finish(attempt, number, value, null);
            return;
        }
        Throwable end = policy.endsWith(number, error, lifecycle.isRunning());
        if (end != null) {
            finish(attempt, number, null, end);
            return;
        }
        attempt.lastError = error;
        attempt.move(ENDING, WAITING);
        if (!lifecycle.isRunning()) {
            // a stop that came meanwhile may have passed this attempt while it was ENDING: end it here (Dekker: the
            // stop changes the state first, then reads the attempts)
            if (attempt.move(WAITING, ENDING)) {
                finish(attempt, number, null, stoppedBetweenAttempts(attempt));
            }
            return;
        }
        long delay = policy.delayNanos(number, error);
        if (delay == 0) {
            queueRetry(attempt);
        } else {
            ScheduledFuture<?> backoff = Timer.timeout(() -> queueRetry(attempt), Duration.ofNanos(delay));
            attempt.timer = backoff;
            if (attempt.state != WAITING) {
                backoff.cancel(false); // a stop ended it before it saw this timer, which would wait out the backoff
            }
        }
    }

    /** A retry is due: a loop waiting here or for room in the window starts it. No user work (the timer runs it). */
    private void queueRetry(Attempt<I, R> attempt) {
        retries.add(attempt);
        wakeOne();
        room.nudge();
    }

    /** The run stopped: every attempt not ended comes out now, cancelled, and its stage is cancelled. */
    void cancelAll() {
        if (throttled != null) {
            throttled.drain(); // each ends below, through the registry of the attempts not ended
        }
        java.util.List<CompletionStage<?>> stages = new java.util.ArrayList<>();
        for (Attempt<I, R> attempt : pending) {
            int state = attempt.state;
            while (state != ENDING && state != ENDED) {
                if (attempt.move(state, ENDING)) {
                    attempt.stopWork(false);
                    CompletionStage<?> stage = attempt.stage;
                    if (stage != null) {
                        stages.add(stage);
                    }
                    // in flight, the state is the attempt's number (its loop may not have written the field yet)
                    int attempts = state > 0 ? state : attempt.attempts;
                    if (attempts == 0) {
                        end(attempt, counters.cancelledBeforeStart(attempt.input));
                    } else {
                        finish(attempt, attempts, null, state == WAITING ? stoppedBetweenAttempts(attempt)
                                : new CancellationException("cancelled while running"));
                    }
                    break;
                }
                state = attempt.state;
            }
        }
        if (!stages.isEmpty()) {
            offload(() -> stages.forEach(AsyncTasks::cancelNow)); // one hand-over for them all
        }
        wakeOne();
    }

    private static CancellationException stoppedBetweenAttempts(Attempt<?, ?> attempt) {
        CancellationException cancelled = new CancellationException("cancelled while running");
        if (attempt.lastError != null) {
            cancelled.initCause(attempt.lastError);
        }
        return cancelled;
    }

    /** The input's outcome after {@code attempts}, by the thread that moved its attempt to {@link #ENDING}. */
    private void finish(Attempt<I, R> attempt, int attempts, Object value, Throwable failure) {
        long nanos = System.nanoTime() - attempt.begin;
        TaskTimes stripe = counters.stripeOfThisThread();
        synchronized (stripe) {
            stripe.record(nanos);
        }
        Throwable error = AttemptPolicy.endError(failure, lifecycle.isRunning());
        int resubmitted = attempt.resubmitted;
        attempt.state = ENDED;
        if (resubmitted != 0) {
            counters.count(WorkerCounts.RESUBMITTED, resubmitted);
        }
        counters.count(AttemptPolicy.countOf(error), 1);
        @SuppressWarnings("unchecked")
        R result = error == null ? (R) value : null;
        end(attempt, new Outcome<>(attempt.input, result, error, attempts + resubmitted,
                Duration.ofNanos(nanos)));
    }

    /** Hands the outcome over, then frees the input's place: the consumer sees it before a loop may leave. */
    private void end(Attempt<I, R> attempt, Outcome<I, R> outcome) {
        attempt.state = ENDED;
        pending.remove(attempt);
        if (attempt.slot != null) {
            synchronized (attempt) {
                attempt.slot.close();
            }
        }
        endUnregistered(attempt, outcome);
    }

    /** The attempt gives back the permits of the attempt that ended, if it held them. */
    private static void releasePermits(Attempt<?, ?> attempt) {
        if (attempt.slot != null) {
            synchronized (attempt) {
                attempt.slot.release();
            }
        }
    }

    /** Hands the outcome over, then frees the input's place (for an attempt that is in no registry). */
    private void endUnregistered(Attempt<I, R> attempt, Outcome<I, R> outcome) {
        try {
            delivery.deliver(null, attempt.seq, outcome);
        } finally {
            boolean hadNoPlace;
            synchronized (attempt) {
                hadNoPlace = attempt.placeless;
                attempt.placeless = false;
            }
            if (hadNoPlace) {
                if (placeless.decrementAndGet() == 0 && inFlight.get() == 0) {
                    wakeAll();
                }
            } else {
                freePlace();
            }
        }
    }

    /** Gives a place among the tasks in flight back, and wakes a loop to use it (all of them after the last). */
    private void freePlace() {
        if (inFlight.decrementAndGet() == 0) {
            wakeAll(); // the loops waiting for the last tasks leave now, not at their next look
        } else {
            wakeOne();
        }
    }

    /**
     * Cancels a stage's future on a thread of the offload pool: the cancel runs the future's dependents (user code,
     * which may be slow), and cancel() and close() return at once. A stage that has no future, or refuses, is left to
     * end by itself.
     */
    static void cancel(CompletionStage<?> stage) {
        try {
            if (stage instanceof CompletableFuture<?> future && future.isDone()) {
                return;
            }
        } catch (Throwable e) {
            // a minimal stage (CompletableFuture.minimalCompletionStage()) refuses isDone(): cancel it off this thread
        }
        offload(() -> cancelNow(stage));
    }

    private static void cancelNow(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (Throwable e) {
            // UnsupportedOperationException and whatever a foreign stage throws: its outcome is already out
        }
    }

    /**
     * The daemon threads that do an asynchronous run's work that must not hold the caller (a stage's cancel) or the
     * shared timeout thread (a timed-out attempt's end); each ends after a second without work. Unbounded, and
     * with no queue: a user's cancel dependent or listener that blocks holds its own thread, never another run's
     * timeout (a bounded pool let one run's slow callbacks delay the others' timeouts by seconds).
     */
    private static final ThreadPoolExecutor OFFLOAD = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1,
            TimeUnit.SECONDS, new SynchronousQueue<>(), new DaemonThreads("parallelized-async-"));

    private static void offload(Runnable action) {
        try {
            OFFLOAD.execute(action);
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            action.run(); // no thread to be had: here, rather than never
        }
    }
}
