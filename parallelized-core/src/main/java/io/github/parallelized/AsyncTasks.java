package io.github.parallelized;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BooleanSupplier;

/**
 * The tasks of an {@link AsyncTaskFunction}, on the loops' side: a worker loop takes a place among the tasks in
 * flight ({@link Places}), starts an admitted input's attempt and goes on at once; the attempt ends on whatever
 * thread completes its stage, its timeout's, or the thread that stops the run ({@link AsyncEnds}). So {@link
 * RunConfig#asyncInFlight()} tasks are in flight with a loop per processor, and no thread waits per task. Retries
 * and inputs parked for their limit's permits start on a loop (after their delay, or once ready): the loops wait
 * for the tasks in flight before they leave.
 */
final class AsyncTasks<I, R> {

    /** What {@link #reserve} found: a place, a stopped run, or no place yet and the loop gave its thread back. */
    static final int RESERVED = 1;
    static final int STOPPED = 2;
    static final int AWAY = 3;
    /** A worker's {@link Worker#place}: given back while its loop waited for room (see {@link #beforeRoomWait}). */
    static final int GIVEN_BACK = 4;

    private final Lifecycle lifecycle;
    private final Counters counters;
    private final Delivery<I, R> delivery;
    /** The run's limits, or null; with them, the attempts waiting for permits (started by the loops when ready). */
    private final RunLimits<I> limits;
    private final Throttled<AsyncAttempt<I, R>> throttled;
    /** Parked inputs that are ready and wait for a place: they get the next place before any new input. */
    private final ConcurrentLinkedDeque<AsyncAttempt<I, R>> awaitingPlace = new ConcurrentLinkedDeque<>();
    private final Places<I, R> places;
    private final AsyncEnds<I, R> ends;
    private final AsyncLaunch<I, R> launch;

    AsyncTasks(AsyncTaskFunction<? super I, ? extends R> function, RunConfig config, AttemptPolicy policy,
               RunLimits<I> limits, Room room, Lifecycle lifecycle, Counters counters,
               Delivery<I, R> delivery) {
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.delivery = delivery;
        this.limits = limits;
        this.places = new Places<>(config);
        this.throttled = limits == null ? null : new Throttled<>(() -> {
            places.wakeOne();
            room.nudge();
        });
        places.wakeFor(throttled);
        this.ends = new AsyncEnds<>(policy, lifecycle, counters, delivery, room, places, throttled);
        this.launch = new AsyncLaunch<>(function, config.timeout(), lifecycle, counters, places, throttled, ends);
        room.beforeWait(this::beforeRoomWait);
    }

    /** Inputs that hold a place among the tasks in flight, or wait for their permits (the consumer's end check). */
    int inFlight() {
        return places.outstanding();
    }

    /**
     * Whether an input waits for a loop to start its next attempt (a retry due, a place or permits it was given): a
     * run with no loop left, and none to come, never gives it its outcome.
     */
    boolean waitsForALoop() {
        return ends.retryDue() || !awaitingPlace.isEmpty() || throttled != null && !throttled.isEmpty();
    }

    /**
     * On a worker loop, before it takes an input: waits for a place among the tasks in flight (starting due retries
     * meanwhile), so that a stop finds the inputs not started still in the source. {@link #RESERVED}, {@link
     * #STOPPED}, or {@link #AWAY}: on a supplied executor a loop gives its thread back rather than wait, and is
     * launched again when a place frees or a retry falls due (then this thread must leave the loop at once).
     */
    int reserve(Worker<I, R> worker) {
        worker.place = 0;
        int found = awaitRoom(worker);
        if (found == RESERVED) {
            worker.place = RESERVED;
        }
        return found;
    }

    /** The loop leaves with a place it reserved and did not use. */
    void unreserve(Worker<I, R> worker) {
        if (worker.place == RESERVED) {
            worker.place = 0;
            places.unreserve();
        }
    }

    /**
     * Starts {@code input}'s first attempt in the place its loop reserved. A loop that gave it back while it waited
     * for room takes a free place, or the input waits for one as a ready parked input does, without holding the
     * thread (a loop of a supplied executor must not wait with an input in hand: the stages' own work may need the
     * pool). The consumer helping a nested run, which no loop would relieve, waits here for a place. An input the
     * run stopped before it started comes out cancelled.
     */
    void start(Worker<I, R> worker, I input, long seq) {
        int place = worker.place;
        worker.place = 0;
        boolean placed = place == RESERVED;
        if (place != RESERVED && place != GIVEN_BACK) {
            if (awaitRoom(null) != RESERVED) {
                delivery.deliver(worker.outbox, seq, counters.cancelledBeforeStart(input));
                return;
            }
            placed = true;
        }
        AsyncAttempt<I, R> attempt = null;
        try {
            attempt = new AsyncAttempt<>(input, seq, System.nanoTime());
            if (!placed && !(placed = places.take())) {
                attempt.placeless = true; // counted before anyone can end it: its end counts it out
                places.waitForPlace();
            }
            if (limits != null) {
                RunLimits<I>.Slot slot = limits.slot(input);
                if (slot.error() != null) {
                    slot.close();
                    counters.failedOutsideTask();
                    attempt.state = AsyncAttempt.ENDED;
                    ends.endUnregistered(attempt, new Outcome<>(input, null, slot.error(), 0, Duration.ZERO));
                    return;
                }
                attempt.slot = slot;
            }
            ends.register(attempt);
            if (!lifecycle.isRunning()) {
                // the stop may have read the registry before this attempt was in it: whoever moves it first ends it
                if (attempt.move(AsyncAttempt.WAITING, AsyncAttempt.ENDING)) {
                    ends.end(attempt, counters.cancelledBeforeStart(input));
                }
                return;
            }
            if (placed) {
                launch.next(attempt);
                return;
            }
            awaitingPlace.add(attempt);
        } catch (RuntimeException | Error e) {
            // whatever else threw while it was started (an error of the JVM, a bug): thrown out of the loop, the
            // input would stay in flight for ever, and the run would wait for it
            ends.failedToStart(attempt, input, seq, e, placed);
            return;
        }
        startRetries(); // a place may have come free meanwhile, and no end would wake a loop for it
    }

    /**
     * On a worker loop whose source is drained: starts the retries due until no task of the run is in flight. True
     * when the loop gave its thread back meanwhile (see {@link #reserve}): this thread then leaves at once.
     */
    boolean awaitInFlight(Worker<I, R> worker) {
        while (places.outstanding() > 0) {
            if (!lifecycle.isRunning()) {
                cancelAll();
            }
            startRetries();
            // a ready parked input counts only with a free place for it: else this loop would spin until one frees.
            // One made ready by a permit's release counts too: its wake-up may have come while this loop was busy,
            // and a loop that gave its thread back now would wait for a wake-up that already came
            BooleanSupplier ready = () -> places.outstanding() == 0 || ends.retryDue()
                    || (!awaitingPlace.isEmpty() || releasedReady()) && places.free();
            if (places.goneAway(worker, ready)) {
                return true;
            }
            places.park(ready);
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
            if (places.take()) {
                return RESERVED;
            }
            BooleanSupplier ready = () -> places.free() || ends.retryDue() || !lifecycle.isRunning();
            if (places.goneAway(worker, ready)) {
                return AWAY;
            }
            places.park(ready);
        }
    }

    /**
     * A loop is about to wait for room in the window: it starts the due retries and the parked inputs that are ready,
     * and gives back the place it reserved for its next input (it takes one again once it has that input: {@link
     * #start}). Held while it waits, with every place held so by a loop, the inputs parked for their limits'
     * permits could never get a place back, while the room waits for their outcomes (an ordered run, or a window full
     * of parked inputs): the run would wait for ever.
     */
    private void beforeRoomWait(Worker<?, ?> worker) {
        if (worker.place == RESERVED) {
            worker.place = GIVEN_BACK;
            places.unreserve();
        }
        startRetries();
    }

    /** Whether an input parked for its permits is ready to start (they were released, or its time came). */
    private boolean releasedReady() {
        return throttled != null && throttled.nanosUntilNext(System.nanoTime()) == 0; // without the lock when empty
    }

    private void startRetries() {
        if (throttled != null && !throttled.isEmpty()) {
            for (AsyncAttempt<I, R> ready; (ready = throttled.poll(System.nanoTime())) != null; ) {
                awaitingPlace.add(ready);
            }
        }
        // taken off the deque before it is placed: two loops never place (and start) one attempt twice
        for (AsyncAttempt<I, R> ready; (ready = awaitingPlace.pollFirst()) != null; ) {
            int placed = places.placeAgain(ready);
            if (placed == Places.NO_PLACE) {
                awaitingPlace.addFirst(ready); // the next end frees a place (and wakes a loop)
                break;
            }
            if (placed == Places.PLACED) {
                launchOrEnd(ready);
            }
        }
        for (AsyncAttempt<I, R> retry; (retry = ends.nextRetry()) != null; ) {
            launchOrEnd(retry);
        }
    }

    /** A retry, or a parked input that got its place back: started, unless the run stopped meanwhile. */
    private void launchOrEnd(AsyncAttempt<I, R> attempt) {
        if (lifecycle.isRunning()) {
            launch.next(attempt);
        } else if (attempt.move(AsyncAttempt.WAITING, AsyncAttempt.ENDING)) {
            ends.stoppedBeforeRetry(attempt);
        }
    }

    /** The run stopped: every attempt not ended comes out now, cancelled, and its stage is cancelled. */
    void cancelAll() {
        ends.cancelAll();
    }
}
