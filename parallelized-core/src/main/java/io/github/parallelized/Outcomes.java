package io.github.parallelized;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;

/**
 * The consumer's side: takes outcomes from the {@link Handoff} in completion order, or puts them back in
 * submission order, and knows when the loop ends: admission is closed and every admitted input has come out.
 * While it waits it parks (after a short adaptive spin), helps a run whose loops have not begun, and notices a
 * run that can no longer progress. Used by the one consuming thread only.
 */
final class Outcomes<I, R> implements Iterator<Outcome<I, R>> {

    private final Handoff handoff;
    private final Admission<I> admission;
    private final Room room;
    private final Crew<I, R> crew;
    /** An asynchronous function's tasks, or null. */
    private final AsyncTasks<I, R> async;
    private final Lifecycle lifecycle;
    /** The consumer took the last outcome: the run finishes (and throws its failure, if any). */
    private final Runnable atEnd;
    private final boolean ordered;
    /** Submission order: outcomes that finished early wait (inside the admission window) for those before them. */
    private final InOrder inOrder;
    /** How many outcomes came out of the hand-off. */
    private long received;
    /** The consumer's spin budget (see {@link Handoff#MIN_SPINS}), adapted on each wait. */
    private int spins = Handoff.MIN_SPINS;
    private Object next;
    private boolean done;

    Outcomes(Handoff handoff, Admission<I> admission, Room room, Crew<I, R> crew, AsyncTasks<I, R> async, Lifecycle lifecycle,
             Runnable atEnd, boolean ordered, int window) {
        this.handoff = handoff;
        this.admission = admission;
        this.room = room;
        this.crew = crew;
        this.async = async;
        this.lifecycle = lifecycle;
        this.atEnd = atEnd;
        this.ordered = ordered;
        this.inOrder = ordered ? new InOrder(window) : null;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        next = ordered ? nextInOrder() : take();
        if (next == null) {
            done = true;
            atEnd.run();
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
        room.consumedOne();
        return (Outcome<I, R>) outcome;
    }

    private Object nextInOrder() {
        Object ready = inOrder.ready();
        while (ready == null) {
            Delivery.Sequenced taken = (Delivery.Sequenced) take();
            if (taken == null) {
                return inOrder.skipToNext();
            }
            ready = inOrder.arrived(taken.seq(), taken.outcome());
        }
        return ready;
    }

    /**
     * The next outcome in completion order, waiting for it; null at the end. An interrupt of the consumer,
     * whether it waits or not, cancels the run.
     */
    private Object take() {
        Thread current = Thread.currentThread();
        handoff.consumeOn(current);
        if (current.isInterrupted()) {
            throw interrupted();
        }
        while (true) {
            Object next = handoff.poll();
            if (next == null && !ended()) {
                if (crew.growFromConsumer()) {
                    continue; // a run on virtual threads: the consumer started more loops, and looks again
                }
                room.consumerWaits();
                next = handoff.spin(spins);
                spins = next != null ? Math.min(Handoff.MAX_SPINS, spins * 2) : Math.max(Handoff.MIN_SPINS, spins / 2);
                if (next == null && !ended() && !crew.help(current)) {
                    next = handoff.park(this);
                    if (next == null && current.isInterrupted()) {
                        throw interrupted();
                    }
                }
            }
            if (next != null) {
                received++;
                return next;
            }
            if (ended()) {
                closedMeanwhile();
                return null;
            }
        }
    }

    /**
     * The run was closed by another thread while this consumer read it, with inputs taken up that never came out
     * (close() waits for no task): the loop must not end as if the run were complete, and remaining() no longer
     * gives them either.
     */
    private void closedMeanwhile() {
        if (!lifecycle.isClosed()) {
            return;
        }
        long admitted = admission.finalCount();
        if (admitted > received) {
            throw new CancellationException("the run was closed while its outcomes were being read: "
                    + (admitted - received) + " input(s) taken up have no outcome (close() waits for no task; "
                    + "cancel(), then reading to the end, gives every outcome)");
        }
    }

    /**
     * True when no outcome can come any more: every admitted input came out once admission closed; or the run
     * was closed; or no worker loop is left (then the run fails, and outcomes that can never come are reported).
     */
    private boolean ended() {
        long admitted = admission.finalCount();
        if (admitted < 0 && !lifecycle.isRunning()) {
            admitted = admission.close(); // a stop closes it too; closing here makes the count final for this thread
        }
        if (admitted >= 0 && received >= admitted) {
            return true;
        }
        if (lifecycle.isClosed()) {
            return true;
        }
        // an asynchronous input in flight may still end by itself (its stage completes), unless it waits for a loop
        // to start its next attempt while none is left: on a supplied executor that refused a loop's relaunch
        // (shut down), none comes back
        if (crew.live() > 0 || !handoff.isEmpty() || async != null && async.inFlight() > 0
                && !(crew.takesTurns() && async.waitsForALoop())) {
            return false;
        }
        // The last loop may have drained the source, closed admission and left after the count was read above:
        // read it again now that no loop is live, so a normal end is not taken for lost workers.
        admitted = admission.finalCount();
        if (admitted >= 0 && received >= admitted) {
            return true;
        }
        if (!handoff.isEmpty()) {
            return false;
        }
        if (!lifecycle.isRunning()) {
            if (!admission.stopSettled()) {
                return false; // a stop is giving back claimed inputs: the count may still go down (it wakes us)
            }
            // the stop may have settled since the count was read above (it may even have been -1 then): read it
            // again, now final
            admitted = admission.finalCount();
            if (admitted >= 0 && received >= admitted) {
                return true;
            }
            if (!handoff.isEmpty()) {
                return false;
            }
        }
        Throwable cause = crew.lostBecause();
        lifecycle.fail(new ParallelizedException("no worker of the run is left" + (admitted > received
                ? ", and " + (admitted - received) + " admitted input(s) never came out" : "")
                + (cause != null ? ": " + Errors.describe(cause, false) : ""), cause));
        return true;
    }

    /** The consumer was interrupted: the run is cancelled and the caller hears of it, its flag kept. */
    private CancellationException interrupted() {
        lifecycle.stop(RunState.CANCELLED);
        return new CancellationException("the consuming thread was interrupted: the run was cancelled");
    }
}
