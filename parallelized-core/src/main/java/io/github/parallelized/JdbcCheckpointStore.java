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
 * {@link CheckpointStore#jdbc(DataSource)}: one table ({@link JdbcDialect#CREATE_TABLE}), created at the first
 * connection unless told not to. This class holds the store's life cycle (connections, the table, the dialect found
 * at the first call) and the queries for people; a run's two calls are {@link JdbcLookups} (lookups) and {@link
 * JdbcWrites} (a batch written in one transaction, tried again on a collision with another writer), in the SQL of
 * the database's {@link JdbcDialect}.
 */
final class JdbcCheckpointStore implements CheckpointStore, RunScopedStore {

    static final String TABLE = JdbcDialect.TABLE;
    static final String CREATE_TABLE = JdbcDialect.CREATE_TABLE;
    /**
     * Seconds before a statement of a run (lookup, record, table creation) gives up: a database that stops answering
     * fails the run instead of holding it. The queries for people (counts, failures, clear, run names) have no
     * timeout of ours: a count over ten million rows takes longer than that on H2.
     */
    static final int TIMEOUT_SECONDS = 30;

    private final DataSource dataSource;
    private final boolean createTable;
    private final JdbcWrites writes = new JdbcWrites();
    /** The connections kept, with their statements, while runs record (see {@link RunScopedStore}). */
    private final JdbcSessions sessions = new JdbcSessions(this::connect);
    private volatile boolean tableChecked;
    /** Found at the first connection (or set for the generic store's tests). */
    private volatile JdbcDialect dialect;

    JdbcCheckpointStore(DataSource dataSource, boolean createTable) {
        this.dataSource = dataSource;
        this.createTable = createTable;
    }

    /** A store that writes as on an unknown database (updates, then inserts): for its tests on H2. */
    static JdbcCheckpointStore generic(DataSource dataSource) {
        JdbcCheckpointStore store = new JdbcCheckpointStore(dataSource, true);
        store.dialect = JdbcDialect.GENERIC;
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
        JdbcSessions.Session session = null;
        try {
            session = sessions.take();
            JdbcLookups.succeededAmong(session, dialect(session.connection), runName, all, found);
            sessions.give(session);
            return found;
        } catch (SQLException | RuntimeException e) {
            if (session != null) {
                sessions.failed(session); // never kept after a failure, nor the others
            }
            if (e instanceof SQLException sql) {
                throw failed("looking up " + all.size() + " keys of run '" + runName + "'", sql);
            }
            throw (RuntimeException) e;
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
            JdbcSessions.Session session = null;
            try {
                session = sessions.take();
                write(session, runName, entries);
                sessions.give(session);
                return;
            } catch (SQLException | RuntimeException e) {
                if (session != null) {
                    sessions.failed(session); // never kept after a failure, nor the others
                }
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                last = (SQLException) e;
                if (JdbcWrites.isTimeout(last)) {
                    break; // the database does not answer: another try waited the whole timeout again (3 x 30 s)
                }
            }
        }
        throw failed("recording " + entries.size() + " outcomes of run '" + runName + "'", last);
    }

    /** One batch in one transaction: plain inserts first where they are cheaper, else the dialect's upsert. */
    private void write(JdbcSessions.Session session, String runName, List<Entry> entries) throws SQLException {
        Connection connection = session.connection;
        JdbcDialect how = dialect(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            if (writes.insertFirst(how)) {
                try {
                    JdbcWrites.insert(session, runName, entries);
                    connection.commit();
                    return;
                } catch (SQLException e) {
                    if (!JdbcWrites.isDuplicateKey(e)) {
                        throw e;
                    }
                    connection.rollback(); // a key of the batch has a row: merged instead, as the next
                    writes.metDuplicate();
                }
            }
            JdbcWrites.write(session, how, runName, entries);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public void runStarted() {
        sessions.runStarted();
    }

    @Override
    public void runEnded() {
        sessions.runEnded();
    }

    private JdbcDialect dialect(Connection connection) throws SQLException {
        JdbcDialect known = dialect;
        if (known == null) {
            known = JdbcDialect.of(connection);
            dialect = known;
        }
        return known;
    }

    @Override
    public String toString() {
        return "CheckpointStore.jdbc(" + dataSource.getClass().getName() + ", table " + TABLE + ")";
    }
}
