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

    private final Run<I, R> run;
    private final boolean ordered;
    /** Submission order: outcomes that finished early wait (inside the admission window) for those before them. */
    private final InOrder inOrder;
    /** How many outcomes came out of the hand-off. */
    private long received;
    /** The consumer's spin budget (see {@link Handoff#MIN_SPINS}), adapted on each wait. */
    private int spins = Handoff.MIN_SPINS;
    private Object next;
    private boolean done;

    Outcomes(Run<I, R> run, boolean ordered, int window) {
        this.run = run;
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
            run.finishIteration();
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
        run.admission.consumedOne();
        return (Outcome<I, R>) outcome;
    }

    private Object nextInOrder() {
        Object ready = inOrder.ready();
        while (ready == null) {
            Tasks.Sequenced taken = (Tasks.Sequenced) take();
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
        run.handoff.consumeOn(current);
        if (current.isInterrupted()) {
            throw interrupted();
        }
        Handoff handoff = run.handoff;
        while (true) {
            Object next = handoff.poll();
            if (next == null && !ended()) {
                run.admission.consumerWaits();
                next = handoff.spin(spins);
                spins = next != null ? Math.min(Handoff.MAX_SPINS, spins * 2) : Math.max(Handoff.MIN_SPINS, spins / 2);
                if (next == null && !ended() && !run.crew.help(current)) {
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
                return null;
            }
        }
    }

    /**
     * True when no outcome can come any more: every admitted input came out once admission closed; or the run
     * was closed; or no worker loop is left (then the run fails, and outcomes that can never come are reported).
     */
    private boolean ended() {
        long admitted = run.admission.finalCount();
        if (admitted < 0 && !run.lifecycle.isRunning()) {
            admitted = run.admission.close(); // a stop closes it too; closing here makes the count final for this thread
        }
        if (admitted >= 0 && received >= admitted) {
            return true;
        }
        if (run.lifecycle.isClosed()) {
            return true;
        }
        AsyncTasks<I, R> async = run.tasks.async();
        if (run.crew.live() > 0 || !run.handoff.isEmpty() || async != null && async.inFlight() > 0) {
            return false;
        }
        // The last loop may have drained the source, closed admission and left after the count was read above:
        // read it again now that no loop is live, so a normal end is not taken for lost workers.
        admitted = run.admission.finalCount();
        if (admitted >= 0 && received >= admitted) {
            return true;
        }
        if (!run.handoff.isEmpty()) {
            return false;
        }
        if (!run.lifecycle.isRunning()) {
            if (!run.admission.stopSettled()) {
                return false; // a stop is giving back claimed inputs: the count may still go down (it wakes us)
            }
            // the stop may have settled since the count was read above (it may even have been -1 then): read it
            // again, now final
            admitted = run.admission.finalCount();
            if (admitted >= 0 && received >= admitted) {
                return true;
            }
            if (!run.handoff.isEmpty()) {
                return false;
            }
        }
        Throwable cause = run.crew.lostBecause();
        run.fail(new ParallelizedException("no worker of the run is left" + (admitted > received
                ? ", and " + (admitted - received) + " admitted input(s) never came out" : "")
                + (cause != null ? ": " + Errors.describe(cause, false) : ""), cause));
        return true;
    }

    /** The consumer was interrupted: the run is cancelled and the caller hears of it, its flag kept. */
    private CancellationException interrupted() {
        run.cancel();
        return new CancellationException("the consuming thread was interrupted: the run was cancelled");
    }
}
