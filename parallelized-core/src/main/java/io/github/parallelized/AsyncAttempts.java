package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;

/**
 * The attempts of an asynchronous run that are not ended ({@link AsyncEnds}): a stop ends them all. Each is linked
 * into one of a few stripes, chosen by its sequence number, under that stripe's lock: registering and removing an
 * attempt costs two pointer writes and an uncontended lock, with no hashing and no allocation. A concurrent hash set
 * here took a quarter of a cluster run's submitter time: the loops that register and the thread that completes the
 * stages fought over its size counter, and every run grew its table again from 16 entries to its tasks in flight.
 *
 * <p>Dekker with the loops, as with any registry here: an attempt is linked (and its stripe's lock released) before
 * its loop reads the run's state; the stopper changes the state before it takes the stripes' locks to read them.
 */
final class AsyncAttempts<I, R> {

    /** Stripes, a power of two: the loops and the completing threads rarely meet on one. */
    private static final int STRIPES = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];

    AsyncAttempts() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private Stripe stripe(AsyncAttempt<I, R> attempt) {
        return stripes[(int) attempt.seq & (STRIPES - 1)];
    }

    void add(AsyncAttempt<I, R> attempt) {
        Stripe stripe = stripe(attempt);
        synchronized (stripe) {
            if (attempt.listed) {
                return;
            }
            attempt.listed = true;
            attempt.next = stripe.head;
            attempt.previous = null;
            if (stripe.head != null) {
                stripe.head.previous = attempt;
            }
            stripe.head = attempt;
        }
    }

    /** Unlinks the attempt; nothing when it is not linked (never registered, or removed already). */
    void remove(AsyncAttempt<I, R> attempt) {
        Stripe stripe = stripe(attempt);
        synchronized (stripe) {
            if (!attempt.listed) {
                return;
            }
            attempt.listed = false;
            AsyncAttempt<?, ?> before = attempt.previous;
            AsyncAttempt<?, ?> after = attempt.next;
            if (before != null) {
                before.next = after;
            } else {
                stripe.head = after;
            }
            if (after != null) {
                after.previous = before;
            }
            attempt.previous = null;
            attempt.next = null;
        }
    }

    /** The attempts linked now, copied: the caller ends them without holding a stripe. */
    @SuppressWarnings("unchecked") // only add() links attempts, all of this run's types
    List<AsyncAttempt<I, R>> snapshot() {
        List<AsyncAttempt<I, R>> all = new ArrayList<>();
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (AsyncAttempt<?, ?> attempt = stripe.head; attempt != null; attempt = attempt.next) {
                    all.add((AsyncAttempt<I, R>) attempt);
                }
            }
        }
        return all;
    }

    /** One list of attempts and its lock. */
    private static final class Stripe {
        AsyncAttempt<?, ?> head;
    }
}
