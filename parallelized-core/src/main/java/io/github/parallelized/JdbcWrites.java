package io.github.parallelized;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link JdbcCheckpointStore#record}: one batch of entries written in the caller's transaction, as its {@link
 * JdbcDialect} does it, with the statements its connection keeps ({@link JdbcSessions}). On H2 a batch is first
 * written as plain inserts, the cheapest write when, as in a first run, none of its keys has a row yet; a batch that
 * meets a row ({@link #isDuplicateKey}) is rolled back by the store and written by {@code MERGE}, as are the next
 * {@link #MERGE_AFTER_DUPLICATE} batches.
 *
 * <p>Thread-safe: its one field is a hint read and written without a lock.
 */
final class JdbcWrites {

    /**
     * After a batch whose plain inserts met a row, this many batches are merged straight away (a resumed run whose
     * failed inputs run again meets rows often; a first run never).
     */
    static final int MERGE_AFTER_DUPLICATE = 16;
    /**
     * The most rows of one multi-row insert. One statement of many rows costs H2 the per-statement work once
     * (measured: 100,000 rows/s against 68,000 for a JDBC batch of one-row inserts). A run's full batch is one
     * statement; the rest is written in chunks of powers of two, so that a database sees at most ten shapes.
     */
    static final int MAX_INSERT_ROWS = CheckpointRecorder.FLUSH_BATCH;

    /** Batches to merge before inserts are tried again; decremented without a lock (a hint, not a count). */
    private volatile int mergeNext;

    /** Whether to try the next batch as plain inserts (see {@link JdbcDialect#insertsFirst()}). */
    boolean insertFirst(JdbcDialect dialect) {
        if (!dialect.insertsFirst()) {
            return false;
        }
        int merges = mergeNext;
        if (merges > 0) {
            mergeNext = merges - 1;
            return false;
        }
        return true;
    }

    /** The plain inserts of a batch met a row: the next batches are merged for a while. */
    void metDuplicate() {
        mergeNext = MERGE_AFTER_DUPLICATE;
    }

    /** A unique key violation (SQL state 23505, H2 and PostgreSQL alike), anywhere in the exception's chain. */
    static boolean isDuplicateKey(SQLException error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            for (SQLException sql = e instanceof SQLException x ? x : null; sql != null; sql = sql.getNextException()) {
                if ("23505".equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() == sql) {
                    break;
                }
            }
        }
        return false;
    }

    /**
     * A statement that timed out (our query timeout, a lock wait past the database's own): a {@link
     * java.sql.SQLTimeoutException} or SQL state 57014 (query cancelled, as PostgreSQL reports its timeout), anywhere
     * in the exception's chain.
     */
    static boolean isTimeout(SQLException error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            for (SQLException sql = e instanceof SQLException x ? x : null; sql != null; sql = sql.getNextException()) {
                if (sql instanceof java.sql.SQLTimeoutException || "57014".equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() == sql) {
                    break;
                }
            }
        }
        return false;
    }

    /** Plain multi-row inserts: a full batch in one statement, the rest in chunks of powers of two. */
    static void insert(JdbcSessions.Session session, String runName, List<CheckpointStore.Entry> entries)
            throws SQLException {
        int from = 0;
        while (from < entries.size()) {
            int left = entries.size() - from;
            int rows = left >= MAX_INSERT_ROWS ? MAX_INSERT_ROWS : Integer.highestOneBit(left);
            PreparedStatement insert = session.prepare(JdbcDialect.insert(rows));
            int p = 1;
            for (CheckpointStore.Entry entry : entries.subList(from, from + rows)) {
                p = setRow(insert, p, runName, entry);
            }
            insert.executeUpdate();
            from += rows;
        }
    }

    private static int setRow(PreparedStatement statement, int first, String runName, CheckpointStore.Entry entry)
            throws SQLException {
        int p = first;
        statement.setString(p++, runName);
        statement.setString(p++, entry.key());
        statement.setBoolean(p++, entry.succeeded());
        statement.setInt(p++, entry.attempts());
        statement.setString(p++, entry.errorType());
        statement.setString(p++, entry.message());
        return p;
    }

    /** The dialect's upsert, batched; on other databases a batch of updates, then one of inserts. */
    static void write(JdbcSessions.Session session, JdbcDialect dialect, String runName,
                      List<CheckpointStore.Entry> entries) throws SQLException {
        if (dialect == JdbcDialect.GENERIC) {
            writeGeneric(session, runName, entries);
            return;
        }
        PreparedStatement upsert = session.prepare(dialect.upsert());
        for (CheckpointStore.Entry entry : entries) {
            setRow(upsert, 1, runName, entry);
            upsert.addBatch();
        }
        upsert.executeBatch();
    }

    /** Any SQL database: a batch of updates, then a batch of inserts for the keys no update found. */
    private static void writeGeneric(JdbcSessions.Session session, String runName, List<CheckpointStore.Entry> entries)
            throws SQLException {
        List<CheckpointStore.Entry> successes = new ArrayList<>();
        List<CheckpointStore.Entry> failures = new ArrayList<>();
        for (CheckpointStore.Entry entry : entries) {
            (entry.succeeded() ? successes : failures).add(entry);
        }
        List<CheckpointStore.Entry> missing = new ArrayList<>();
        if (!successes.isEmpty()) {
            PreparedStatement update = session.prepare(JdbcDialect.SUCCESS);
            for (CheckpointStore.Entry entry : successes) {
                update.setInt(1, entry.attempts());
                update.setString(2, runName);
                update.setString(3, entry.key());
                update.addBatch();
            }
            collectMissing(update.executeBatch(), successes, missing);
        }
        if (!failures.isEmpty()) {
            PreparedStatement update = session.prepare(JdbcDialect.FAILURE);
            for (CheckpointStore.Entry entry : failures) {
                update.setInt(1, entry.attempts());
                update.setString(2, entry.errorType());
                update.setString(3, entry.message());
                update.setString(4, runName);
                update.setString(5, entry.key());
                update.addBatch();
            }
            collectMissing(update.executeBatch(), failures, missing);
        }
        if (missing.isEmpty()) {
            return;
        }
        PreparedStatement insert = session.prepare(JdbcDialect.INSERT);
        for (CheckpointStore.Entry entry : missing) {
            setRow(insert, 1, runName, entry);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** The entries that no row was updated for; a driver that cannot tell ({@code SUCCESS_NO_INFO}) is refused. */
    private static void collectMissing(int[] counts, List<CheckpointStore.Entry> entries,
                                       List<CheckpointStore.Entry> missing) throws SQLException {
        for (int i = 0; i < entries.size(); i++) {
            int count = i < counts.length ? counts[i] : Statement.EXECUTE_FAILED;
            if (count == 0) {
                missing.add(entries.get(i));
            } else if (count < 0) {
                throw new SQLException("the JDBC driver did not tell how many rows a batched update changed ("
                        + count + "): the checkpoint store needs update counts");
            }
        }
    }
}
