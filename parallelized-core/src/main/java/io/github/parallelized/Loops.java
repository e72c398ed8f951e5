package io.github.parallelized;

import java.util.concurrent.ExecutorService;

/**
 * What a worker's loop and its parts ask of the loops of the run, without knowing the {@link Crew} that keeps them:
 * a loop begins and ends on a thread, takes turns on a shared executor, starts the next lazily started loop; a
 * timed-out attempt's worker goes on in a replacement loop; an asynchronous run's loop that gave its thread back is
 * launched again; a loop that cannot be replaced is gone.
 */
interface Loops<I, R> {

    /** A loop began: on a supplied executor, returns what marked the thread before, for {@link #left}. */
    ExecutorService entered();

    /** A loop's body ends on this thread (see {@link #entered()}). */
    void left(ExecutorService outer);

    /** A loop admitted an input: a run on virtual threads may start one more loop (see {@link Crew#grow()}). */
    void grow();

    /** Whether the loops share a supplied executor: each then gives its thread back after a time slice. */
    boolean takesTurns();

    /** At the end of a slice: true when the loop goes on in a new submission, false to keep this thread. */
    boolean resubmit(Worker<I, R> worker);

    /** Launches the loop of an abandoned worker again; false when it cannot (the caller then covers for it). */
    boolean replace(Worker<I, R> worker);

    /** Launches again a loop that gave its thread back while it waited; false when it cannot (it is gone then). */
    boolean relaunch(Worker<I, R> worker);

    /** The worker's loop is gone for good. */
    void exited(Worker<I, R> worker);

    /**
     * The worker's loop died by a throwable nothing else caught (an {@code Error} of the JVM, a bug): gone for good,
     * like {@link #exited}, and the run learns why (its claimed inputs stay for the other loops to take).
     */
    void died(Worker<I, R> worker, Throwable cause);
}
