package io.github.parallelized;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Where a resumable run records, per input key, whether the input succeeded or failed, so that a run that died (a
 * deploy, an {@link OutOfMemoryError}, a {@code kill -9}) resumes where it stopped and its failed inputs can be run
 * again. Used through {@link Parallelized.Builder#checkpoint(CheckpointStore, String, java.util.function.Function)}:
 * inputs whose key has a recorded success under the run's name are skipped; every other input runs (failed ones
 * included), and each success and failure is recorded.
 *
 * <p>A store holds, per run name and key, one entry: succeeded or not, the attempts made so far (added up over the
 * runs), and the error type and message of the last failure. A success is final: a later failure of the same key
 * does not undo it. The store is keyed per input, never by position, and the run holds no set of all keys: ten
 * million inputs resume in constant memory.
 *
 * <p>Built in: {@link #inMemory()} (for tests and for re-running failures within one JVM) and
 * {@link #jdbc(DataSource)} (H2, PostgreSQL and other SQL databases); the Hazelcast module adds one on an
 * {@code IMap}. <b>Writing a store</b>: implement the five query methods and the two that a run calls,
 * {@link #succeededAmong(String, Collection)} (one call per batch of inputs read from the source; a run may make
 * two such calls at once, from its reader thread and from the thread that hands inputs to its workers) and {@link #record(String, List)} (one call per batch of outcomes, at most a few hundred entries,
 * from one thread of the run at a time). {@code record} must make its entries durable before it returns: what it
 * returned from is what survives a crash. A method that throws ends the run with a {@link ParallelizedException}
 * naming the store (its {@link Object#toString()}), and the run's state {@link RunState#FAILED}, also when it is the
 * last write, at the run's end; nothing unrecorded is ever taken for a success. A method that
 * hangs holds the run up, so a networked store should time its calls out.
 *
 * <p>Thread-safety: implementations must be thread-safe; several runs (and several JVMs, for a shared database)
 * may use one store at once. Two runs under one name at once are not prevented: each skips what the other
 * recorded, and an input they both start runs twice.
 */
public interface CheckpointStore {

    /**
     * A store in this JVM's memory: lost with the JVM, so it resumes nothing after a crash; for tests, and for
     * running the failed inputs of a run again within one process. Thread-safe.
     *
     * @return a new, empty store
     */
    static CheckpointStore inMemory() {
        return new InMemoryCheckpointStore();
    }

    /**
     * A store in a SQL database, in the table {@code parallelized_checkpoint}, created on the first use when it
     * does not exist (columns {@code run_name}, {@code item_key}, {@code succeeded}, {@code attempts},
     * {@code error_type}, {@code message}, {@code updated_at}; the primary key is {@code (run_name, item_key)}).
     * Plain SQL that runs on H2 and PostgreSQL; lookups are batched {@code IN} queries, records batched updates
     * and inserts in one transaction per batch, committed before {@link #record} returns. Keys longer than 1,000
     * characters, run names longer than 200, are refused by the database.
     *
     * <p><b>H2</b>: H2 delays the commit of a file database by 500 ms by default ({@code WRITE_DELAY}), and a
     * {@code kill -9} within that delay loses rows it reported committed (measured: 14,000 to 27,000 of them). Put
     * {@code ;WRITE_DELAY=0} in the URL of a file database used as a checkpoint store, for instance
     * {@code jdbc:h2:file:./data/checkpoints;WRITE_DELAY=0}; an in-memory H2 database resumes nothing after a crash
     * anyway. In an application that closes the data source itself at its shutdown (Spring), add
     * {@code ;DB_CLOSE_ON_EXIT=FALSE}: otherwise H2 closes the database in a JVM shutdown hook of its own, and runs
     * still going at a SIGTERM fail at once instead of getting their grace.
     *
     * <p>The statements of a run (lookups, records) time out after 30 seconds, so that a database that stops
     * answering fails the run instead of holding it up; the queries for people ({@link #succeeded},
     * {@link #failed}...) take as long as the database needs (a count over ten million rows of H2 takes a while). Thread-safety: thread-safe; each call takes its own connection from the data source.
     *
     * @param dataSource where the table lives, not null
     * @return the store; the table is created on its first use, not here
     * @throws NullPointerException if {@code dataSource} is null
     */
    static CheckpointStore jdbc(DataSource dataSource) {
        return new JdbcCheckpointStore(Objects.requireNonNull(dataSource, "dataSource"), true);
    }

    /**
     * As {@link #jdbc(DataSource)}, for an application whose schema is managed elsewhere (Flyway, Liquibase): with
     * {@code createTable} false the table must exist, and the store never issues DDL. The table's definition, for
     * a migration, is {@link #JDBC_SCHEMA}.
     *
     * @param dataSource  where the table lives, not null
     * @param createTable whether to create the table on the first use when it does not exist
     * @return the store
     * @throws NullPointerException if {@code dataSource} is null
     */
    static CheckpointStore jdbc(DataSource dataSource, boolean createTable) {
        return new JdbcCheckpointStore(Objects.requireNonNull(dataSource, "dataSource"), createTable);
    }

    /** The table of {@link #jdbc(DataSource)}, as created when absent: for a Flyway or Liquibase migration. */
    String JDBC_SCHEMA = JdbcCheckpointStore.CREATE_TABLE;

    /**
     * How many inputs of a run have a recorded success.
     *
     * @param runName the run's name, not null
     * @return the count, 0 for an unknown run
     */
    long succeeded(String runName);

    /**
     * How many inputs of a run failed at their last attempt and have no recorded success.
     *
     * @param runName the run's name, not null
     * @return the count, 0 for an unknown run
     */
    long failedCount(String runName);

    /**
     * The inputs of a run whose last attempt failed and that have no recorded success, ordered by key: to show them,
     * or to run them again (a new run under the same name runs them, and skips the rest).
     *
     * @param runName the run's name, not null
     * @param max     the most failures to return, at least 0
     * @return at most {@code max} failures, never null
     * @throws IllegalArgumentException if {@code max} is negative
     */
    List<Failure> failed(String runName, int max);

    /**
     * Forgets everything recorded under a run's name: a run under that name then runs every input again.
     *
     * @param runName the run's name, not null
     */
    void clear(String runName);

    /**
     * The names of the runs that have at least one entry, ordered by name: for dashboards.
     *
     * @return the names, never null
     */
    List<String> runNames();

    /**
     * The part of a run's call: which of these keys have a recorded success. Called with a batch of keys read from
     * the source (up to a few thousand, no duplicates), never once per input; a run may make two calls at once
     * (its reader thread looks up one batch while the thread that hands inputs to its workers looks up another).
     *
     * @param runName the run's name
     * @param keys    the keys to look up, not null, no null element
     * @return those of {@code keys} that have a recorded success (any set; it is only read)
     */
    Set<String> succeededAmong(String runName, Collection<String> keys);

    /**
     * The part of a run's call: records a batch of outcomes (at most a few hundred; one key at most once per
     * batch), durably before it returns. A success marks the key succeeded for good and adds its attempts; a failure
     * adds its attempts and replaces the last error, and leaves a recorded success as it is.
     *
     * @param runName the run's name
     * @param entries the outcomes, not null
     */
    void record(String runName, List<Entry> entries);

    /**
     * An input whose last attempt failed and that has no recorded success.
     *
     * @param key       the input's key
     * @param errorType the class name of the last error
     * @param message   the last error's message, possibly null
     * @param attempts  the attempts recorded for the key, added up over the runs under its name
     */
    record Failure(String key, String errorType, String message, int attempts) {

        /**
         * Checks the components.
         *
         * @param key       see the record component of that name
         * @param errorType see the record component of that name
         * @param message   see the record component of that name
         * @param attempts  see the record component of that name
         * @throws NullPointerException if {@code key} or {@code errorType} is null
         */
        public Failure {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(errorType, "errorType");
        }
    }

    /**
     * One outcome to record: a success, or a failure with its error's type and message.
     *
     * @param key       the input's key
     * @param succeeded whether the input succeeded
     * @param attempts  the attempts this outcome took (0 for a task that never started)
     * @param errorType the error's class name for a failure (cut to 500 characters), else null
     * @param message   the error's message for a failure (cut to 2,000 characters, a NUL character replaced by
     *                  U+FFFD, which every store can hold), possibly null
     */
    record Entry(String key, boolean succeeded, int attempts, String errorType, String message) {

        /** The longest message kept. */
        static final int MAX_MESSAGE = 2_000;
        /** The longest error type kept (a class name: longer ones are cut). */
        static final int MAX_ERROR_TYPE = 500;

        /**
         * Checks the components.
         *
         * @param key       see the record component of that name
         * @param succeeded see the record component of that name
         * @param attempts  see the record component of that name
         * @param errorType see the record component of that name
         * @param message   see the record component of that name
         * @throws NullPointerException     if {@code key} is null, or {@code errorType} for a failure
         * @throws IllegalArgumentException if {@code attempts} is negative
         */
        public Entry {
            Objects.requireNonNull(key, "key");
            if (!succeeded) {
                Objects.requireNonNull(errorType, "errorType");
            }
            if (attempts < 0) {
                throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
            }
            if (message != null && message.length() > MAX_MESSAGE) {
                // never half a surrogate pair at the cut
                message = message.substring(0, Character.isHighSurrogate(message.charAt(MAX_MESSAGE - 1))
                        ? MAX_MESSAGE - 1 : MAX_MESSAGE);
            }
            if (message != null && message.indexOf('\u0000') >= 0) {
                message = message.replace('\u0000', '\ufffd'); // PostgreSQL cannot store a NUL in text
            }
            if (errorType != null && errorType.length() > MAX_ERROR_TYPE) {
                errorType = errorType.substring(0, MAX_ERROR_TYPE);
            }
        }

        /**
         * A success.
         *
         * @param key      the input's key, not null
         * @param attempts the attempts it took
         * @return the entry
         */
        public static Entry success(String key, int attempts) {
            return new Entry(key, true, attempts, null, null);
        }

        /**
         * A failure.
         *
         * @param key      the input's key, not null
         * @param attempts the attempts it took
         * @param error    the last error, not null
         * @return the entry
         */
        public static Entry failure(String key, int attempts, Throwable error) {
            Objects.requireNonNull(error, "error");
            String message;
            try {
                message = error.getMessage();
            } catch (Throwable e) { // a task's error that lies is still recorded as a failure, not a store failure
                message = "(its getMessage() threw " + e.getClass().getName() + ")";
            }
            return new Entry(key, false, attempts, error.getClass().getName(), message);
        }
    }
}
