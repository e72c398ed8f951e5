package io.github.parallelized;

/**
 * A store of this package that holds resources while runs record into it (the JDBC store keeps its connections and
 * their statements, {@link JdbcSessions}): {@link Checkpointing} tells it when a run starts and ends recording, once
 * each. Not part of {@link CheckpointStore}: a store of the application's own needs none of it.
 */
interface RunScopedStore {

    /** A run starts looking up and recording. */
    void runStarted();

    /** A run that started has ended: what it held may be given back (the store's other runs may go on). */
    void runEnded();
}
