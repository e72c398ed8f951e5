package io.github.parallelized;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link CheckpointStore#jdbc(DataSource)}: one table. Writes are one batched upsert per batch of entries, in one
 * transaction: the standard {@code MERGE} on H2, {@code INSERT ... ON CONFLICT} on PostgreSQL (9.5 and later;
 * {@code MERGE} only came with 15), and on any other database a batch of updates then a batch of inserts for the
 * keys that no update found (the three are tested on H2 and PostgreSQL).
 * On H2 a batch is first written as plain inserts, the cheapest write when, as in a first run, none of its keys has
 * a row yet; a batch that meets a row rolls back and is written by {@code MERGE}, as are the next batches for a while.
 * Lookups on H2 and PostgreSQL join the keys as a {@code VALUES} table (each key one look in the primary key); on
 * other databases they are row-value {@code IN} lists ({@code (run_name, item_key) IN ((?, ?), ...)}). Both are
 * padded to a power of two, so that a database sees at most a dozen statement shapes.
 */
final class JdbcCheckpointStore implements CheckpointStore {

    static final String TABLE = "parallelized_checkpoint";
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + "run_name VARCHAR(200) NOT NULL, "
            + "item_key VARCHAR(1000) NOT NULL, "
            + "succeeded BOOLEAN NOT NULL, "
            + "attempts INTEGER NOT NULL, "
            + "error_type VARCHAR(500), "
            + "message VARCHAR(2000), "
            + "updated_at TIMESTAMP NOT NULL, "
            + "PRIMARY KEY (run_name, item_key))";
    /**
     * The largest IN list of one lookup statement. H2 checks each row it finds against the whole list (with
     * parameters it keeps no hash set), so a long list costs its square: measured on H2 2.4, 32 pairs per statement
     * looked up 385,000 keys/s, 128 pairs 245,000, 512 pairs 81,000.
     */
    static final int MAX_LOOKUP = 32;
    /**
     * The most keys of one join lookup (H2, PostgreSQL; see {@link #joinLookupSql}). Measured on H2 2.4 (one
     * thread, keys found): 32 pairs of the row-value IN list 196,000 keys/s, a join of 128 to 1,024 keys 330,000
     * to 450,000 keys/s, about alike; 256 keeps a statement's parameters few.
     */
    static final int MAX_JOIN_LOOKUP = 256;
    /**
     * Seconds before a statement of a run (lookup, record, table creation) gives up: a database that stops answering
     * fails the run instead of holding it. The queries for people (counts, failures, clear, run names) have no
     * timeout of ours: a count over ten million rows takes longer than that on H2.
     */
    static final int TIMEOUT_SECONDS = 30;

    private static final String SUCCESS = "UPDATE " + TABLE + " SET succeeded = TRUE, attempts = attempts + ?, "
            + "updated_at = CURRENT_TIMESTAMP WHERE run_name = ? AND item_key = ?";
    private static final String FAILURE = "UPDATE " + TABLE + " SET attempts = attempts + ?, error_type = ?, "
            + "message = ?, updated_at = CURRENT_TIMESTAMP WHERE run_name = ? AND item_key = ?";
    private static final String INSERT = "INSERT INTO " + TABLE + " (run_name, item_key, succeeded, attempts, "
            + "error_type, message, updated_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";

    private final DataSource dataSource;
    private final boolean createTable;
    private volatile boolean tableChecked;

    JdbcCheckpointStore(DataSource dataSource, boolean createTable) {
        this.dataSource = dataSource;
        this.createTable = createTable;
    }

    /** A store that writes as on an unknown database (updates, then inserts): for its tests on H2. */
    static JdbcCheckpointStore generic(DataSource dataSource) {
        JdbcCheckpointStore store = new JdbcCheckpointStore(dataSource, true);
        store.dialect = Dialect.GENERIC;
        return store;
    }

    private Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (createTable && !tableChecked) {
            try (Statement create = connection.createStatement()) {
                create.setQueryTimeout(TIMEOUT_SECONDS);
                create.execute(CREATE_TABLE);
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                tableChecked = true;
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("checkpoint table " + TABLE + ": " + what + " failed: " + e.getMessage(), e);
    }

    /**
     * A query for people takes as long as it needs: its timeout is set to none explicitly, because H2 keeps a
     * statement's timeout on its connection (session), and a pooled connection that served a run's statement would
     * otherwise time a count over millions of rows out after {@link #TIMEOUT_SECONDS} (it did, on a loaded machine).
     */
    private static void untimed(Statement statement) throws SQLException {
        statement.setQueryTimeout(0);
    }

    @Override
    public long succeeded(String runName) {
        return count(runName, true);
    }

    @Override
    public long failedCount(String runName) {
        return count(runName, false);
    }

    private long count(String runName, boolean succeeded) {
        Objects.requireNonNull(runName, "runName");
        try (Connection connection = connect();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT COUNT(*) FROM " + TABLE + " WHERE run_name = ? AND succeeded = ?")) {
            untimed(count);
            count.setString(1, runName);
            count.setBoolean(2, succeeded);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw failed("counting the entries of run '" + runName + "'", e);
        }
    }

    @Override
    public List<Failure> failed(String runName, int max) {
        Objects.requireNonNull(runName, "runName");
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        if (max == 0) {
            return List.of();
        }
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("SELECT item_key, error_type, message, attempts "
                     + "FROM " + TABLE + " WHERE run_name = ? AND succeeded = FALSE ORDER BY item_key")) {
            untimed(select);
            select.setMaxRows(max);
            select.setString(1, runName);
            List<Failure> failures = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next() && failures.size() < max) {
                    String type = rows.getString(2);
                    failures.add(new Failure(rows.getString(1), type == null ? "" : type, rows.getString(3),
                            rows.getInt(4)));
                }
            }
            return failures;
        } catch (SQLException e) {
            throw failed("reading the failures of run '" + runName + "'", e);
        }
    }

    @Override
    public void clear(String runName) {
        Objects.requireNonNull(runName, "runName");
        try (Connection connection = connect();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE run_name = ?")) {
            untimed(delete);
            delete.setString(1, runName);
            delete.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw failed("clearing run '" + runName + "'", e);
        }
    }

    @Override
    public List<String> runNames() {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT DISTINCT run_name FROM " + TABLE + " ORDER BY run_name")) {
            untimed(select);
            List<String> names = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw failed("listing the runs", e);
        }
    }

    @Override
    public Set<String> succeededAmong(String runName, Collection<String> keys) {
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        List<String> all = keys instanceof List<String> list ? list : new ArrayList<>(keys);
        try (Connection connection = connect()) {
            boolean join = dialect(connection) != Dialect.GENERIC;
            int max = join ? MAX_JOIN_LOOKUP : MAX_LOOKUP;
            PreparedStatement full = null;
            try {
                for (int from = 0; from < all.size(); from += max) {
                    List<String> chunk = all.subList(from, Math.min(all.size(), from + max));
                    int size = Integer.highestOneBit(chunk.size());
                    size = size == chunk.size() ? size : size * 2;
                    String sql = join ? joinLookupSql(size) : lookupSql(size);
                    if (size == max) {
                        if (full == null) {
                            full = connection.prepareStatement(sql); // prepared once per call
                            full.setQueryTimeout(TIMEOUT_SECONDS);
                        }
                        lookUp(full, join, runName, chunk, size, found);
                    } else {
                        try (PreparedStatement select = connection.prepareStatement(sql)) {
                            select.setQueryTimeout(TIMEOUT_SECONDS);
                            lookUp(select, join, runName, chunk, size, found);
                        }
                    }
                }
            } finally {
                if (full != null) {
                    full.close();
                }
            }
            return found;
        } catch (SQLException e) {
            throw failed("looking up " + all.size() + " keys of run '" + runName + "'", e);
        }
    }

    /**
     * A row-value IN list (other databases): H2 looks each pair up in the primary key, where {@code run_name = ?
     * AND item_key IN (...)} scans the whole run (measured: minutes for a million keys).
     */
    private static String lookupSql(int pairs) {
        return "SELECT item_key FROM " + TABLE + " WHERE succeeded = TRUE AND (run_name, item_key) IN ((?, ?)"
                + ", (?, ?)".repeat(pairs - 1) + ")";
    }

    /**
     * H2 and PostgreSQL: the keys as a {@code VALUES} table joined to the checkpoint table, each key one lookup in
     * the primary key; H2 checks no list per row, so a statement takes many keys (see {@link #MAX_JOIN_LOOKUP}).
     */
    private static String joinLookupSql(int keys) {
        return "SELECT t.item_key FROM (VALUES (CAST(? AS VARCHAR(1000)))" + ", (?)".repeat(keys - 1)
                + ") AS v (k) JOIN " + TABLE + " t ON t.run_name = ? AND t.item_key = v.k WHERE t.succeeded = TRUE";
    }

    private static void lookUp(PreparedStatement select, boolean join, String runName, List<String> chunk, int size,
                               Set<String> found) throws SQLException {
        // padded with the last key: the shape stays one of a few, the answer the same
        if (join) {
            for (int i = 0; i < size; i++) {
                select.setString(i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
            }
            select.setString(size + 1, runName);
        } else {
            for (int i = 0; i < size; i++) {
                select.setString(2 * i + 1, runName);
                select.setString(2 * i + 2, chunk.get(Math.min(i, chunk.size() - 1)));
            }
        }
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                found.add(rows.getString(1));
            }
        }
    }

    @Override
    public void record(String runName, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        SQLException last = null;
        // an insert can collide with another writer of the same run (another JVM): the next try updates instead
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection connection = connect()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    if (insertFirst(connection)) {
                        try {
                            insert(connection, runName, entries);
                            connection.commit();
                            return;
                        } catch (SQLException e) {
                            if (!isDuplicateKey(e)) {
                                throw e;
                            }
                            connection.rollback(); // a key of the batch has a row: merged instead, as the next
                            mergeNext = MERGE_AFTER_DUPLICATE;
                        }
                    }
                    write(connection, runName, entries);
                    connection.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                last = e;
            }
        }
        throw failed("recording " + entries.size() + " outcomes of run '" + runName + "'", last);
    }

    /**
     * After a batch whose plain inserts met a row, this many batches are merged straight away (a resumed run whose
     * failed inputs run again meets rows often; a first run never).
     */
    static final int MERGE_AFTER_DUPLICATE = 16;
    /** Batches to merge before inserts are tried again; decremented without a lock (a hint, not a count). */
    private volatile int mergeNext;

    /**
     * Whether to try a batch as plain inserts: on H2, whose {@code MERGE} looks each key up before it inserts (and
     * evaluates its {@code USING} row per entry): inserts write a first run's batch a third faster (measured).
     * PostgreSQL's {@code ON CONFLICT} is an insert already.
     */
    private boolean insertFirst(Connection connection) throws SQLException {
        if (dialect(connection) != Dialect.MERGE) {
            return false;
        }
        int merges = mergeNext;
        if (merges > 0) {
            mergeNext = merges - 1;
            return false;
        }
        return true;
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
     * The most rows of one multi-row insert. One statement of many rows costs H2 the per-statement work once
     * (measured: 100,000 rows/s against 68,000 for a JDBC batch of one-row inserts). A run's full batch is one
     * statement; the rest is written in chunks of powers of two, so that a database sees at most ten shapes.
     */
    static final int MAX_INSERT_ROWS = Checkpointing.FLUSH_BATCH;

    private static void insert(Connection connection, String runName, List<Entry> entries) throws SQLException {
        int from = 0;
        while (from < entries.size()) {
            int left = entries.size() - from;
            int rows = left >= MAX_INSERT_ROWS ? MAX_INSERT_ROWS : Integer.highestOneBit(left);
            try (PreparedStatement insert = connection.prepareStatement(INSERT + ROW.repeat(rows - 1))) {
                insert.setQueryTimeout(TIMEOUT_SECONDS);
                int p = 1;
                for (Entry entry : entries.subList(from, from + rows)) {
                    insert.setString(p++, runName);
                    insert.setString(p++, entry.key());
                    insert.setBoolean(p++, entry.succeeded());
                    insert.setInt(p++, entry.attempts());
                    insert.setString(p++, entry.errorType());
                    insert.setString(p++, entry.message());
                }
                insert.executeUpdate();
            }
            from += rows;
        }
    }

    private static final String ROW = ", (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";

    /** How a batch is written: one upsert statement where the database has one, else updates then inserts. */
    private enum Dialect { MERGE, ON_CONFLICT, GENERIC }

    private volatile Dialect dialect;

    private Dialect dialect(Connection connection) throws SQLException {
        Dialect known = dialect;
        if (known == null) {
            String product = connection.getMetaData().getDatabaseProductName();
            known = "H2".equalsIgnoreCase(product) ? Dialect.MERGE
                    : "PostgreSQL".equalsIgnoreCase(product) ? Dialect.ON_CONFLICT : Dialect.GENERIC;
            dialect = known;
        }
        return known;
    }

    /** A success is final; a failure adds its attempts and replaces the last error. */
    private static final String MERGE = "MERGE INTO " + TABLE + " t USING (VALUES (CAST(? AS VARCHAR(200)), "
            + "CAST(? AS VARCHAR(1000)), CAST(? AS BOOLEAN), CAST(? AS INTEGER), CAST(? AS VARCHAR(500)), "
            + "CAST(? AS VARCHAR(2000)))) AS s (run_name, item_key, succeeded, attempts, error_type, message) "
            + "ON t.run_name = s.run_name AND t.item_key = s.item_key "
            + "WHEN MATCHED THEN UPDATE SET succeeded = t.succeeded OR s.succeeded, attempts = t.attempts + s.attempts, "
            + "error_type = CASE WHEN s.succeeded THEN t.error_type ELSE s.error_type END, "
            + "message = CASE WHEN s.succeeded THEN t.message ELSE s.message END, updated_at = CURRENT_TIMESTAMP "
            + "WHEN NOT MATCHED THEN INSERT (run_name, item_key, succeeded, attempts, error_type, message, updated_at) "
            + "VALUES (s.run_name, s.item_key, s.succeeded, s.attempts, s.error_type, s.message, CURRENT_TIMESTAMP)";
    private static final String ON_CONFLICT = "INSERT INTO " + TABLE + " AS t (run_name, item_key, succeeded, "
            + "attempts, error_type, message, updated_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP) "
            + "ON CONFLICT (run_name, item_key) DO UPDATE SET succeeded = t.succeeded OR EXCLUDED.succeeded, "
            + "attempts = t.attempts + EXCLUDED.attempts, "
            + "error_type = CASE WHEN EXCLUDED.succeeded THEN t.error_type ELSE EXCLUDED.error_type END, "
            + "message = CASE WHEN EXCLUDED.succeeded THEN t.message ELSE EXCLUDED.message END, "
            + "updated_at = CURRENT_TIMESTAMP";

    private void write(Connection connection, String runName, List<Entry> entries) throws SQLException {
        Dialect how = dialect(connection);
        if (how == Dialect.GENERIC) {
            writeGeneric(connection, runName, entries);
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(how == Dialect.MERGE ? MERGE : ON_CONFLICT)) {
            upsert.setQueryTimeout(TIMEOUT_SECONDS);
            for (Entry entry : entries) {
                upsert.setString(1, runName);
                upsert.setString(2, entry.key());
                upsert.setBoolean(3, entry.succeeded());
                upsert.setInt(4, entry.attempts());
                upsert.setString(5, entry.errorType());
                upsert.setString(6, entry.message());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Any SQL database: a batch of updates, then a batch of inserts for the keys no update found. */
    private static void writeGeneric(Connection connection, String runName, List<Entry> entries) throws SQLException {
        List<Entry> successes = new ArrayList<>();
        List<Entry> failures = new ArrayList<>();
        for (Entry entry : entries) {
            (entry.succeeded() ? successes : failures).add(entry);
        }
        List<Entry> missing = new ArrayList<>();
        if (!successes.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(SUCCESS)) {
                update.setQueryTimeout(TIMEOUT_SECONDS);
                for (Entry entry : successes) {
                    update.setInt(1, entry.attempts());
                    update.setString(2, runName);
                    update.setString(3, entry.key());
                    update.addBatch();
                }
                collectMissing(update.executeBatch(), successes, missing);
            }
        }
        if (!failures.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(FAILURE)) {
                update.setQueryTimeout(TIMEOUT_SECONDS);
                for (Entry entry : failures) {
                    update.setInt(1, entry.attempts());
                    update.setString(2, entry.errorType());
                    update.setString(3, entry.message());
                    update.setString(4, runName);
                    update.setString(5, entry.key());
                    update.addBatch();
                }
                collectMissing(update.executeBatch(), failures, missing);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setQueryTimeout(TIMEOUT_SECONDS);
            for (Entry entry : missing) {
                insert.setString(1, runName);
                insert.setString(2, entry.key());
                insert.setBoolean(3, entry.succeeded());
                insert.setInt(4, entry.attempts());
                insert.setString(5, entry.errorType());
                insert.setString(6, entry.message());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The entries that no row was updated for; a driver that cannot tell ({@code SUCCESS_NO_INFO}) is refused. */
    private static void collectMissing(int[] counts, List<Entry> entries, List<Entry> missing) throws SQLException {
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

    @Override
    public String toString() {
        return "CheckpointStore.jdbc(" + dataSource.getClass().getName() + ", table " + TABLE + ")";
    }
}
