package io.github.parallelized;

/**
 * What a worker's parts ask of the loops that run it, without knowing the {@link Crew} that keeps them: a
 * timed-out attempt's worker goes on in a replacement loop; an asynchronous run's loop that gave its thread back is
 * launched again; a loop that cannot be replaced is gone.
 */
interface Loops<I, R> {

    /** Launches the loop of an abandoned worker again; false when it cannot (the caller then covers for it). */
    boolean replace(Worker<I, R> worker);

    /** Launches again a loop that gave its thread back while it waited. */
    void relaunch(Worker<I, R> worker);

    /** The worker's loop is gone for good. */
    void exited(Worker<I, R> worker);
}
