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
 * {@link CheckpointStore#jdbc(DataSource)}: one table, plain SQL that H2 and PostgreSQL both run (no upsert
 * dialect: a batch of updates, then a batch of inserts for the keys that no update found, in one transaction).
 * Lookups are {@code IN} lists padded to a power of two, so that a database sees at most eleven statement shapes.
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
    /** The largest IN list of one lookup statement. */
    static final int MAX_LOOKUP = 1024;
    /** Seconds before a statement gives up: a database that stops answering fails the run instead of holding it. */
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
            count.setQueryTimeout(TIMEOUT_SECONDS);
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
            select.setQueryTimeout(TIMEOUT_SECONDS);
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
            delete.setQueryTimeout(TIMEOUT_SECONDS);
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
            select.setQueryTimeout(TIMEOUT_SECONDS);
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
            for (int from = 0; from < all.size(); from += MAX_LOOKUP) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_LOOKUP));
                int size = Integer.highestOneBit(chunk.size());
                size = size == chunk.size() ? size : size * 2;
                StringBuilder sql = new StringBuilder("SELECT item_key FROM ").append(TABLE)
                        .append(" WHERE run_name = ? AND succeeded = TRUE AND item_key IN (?");
                sql.append(",?".repeat(size - 1)).append(')');
                try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                    select.setQueryTimeout(TIMEOUT_SECONDS);
                    select.setString(1, runName);
                    for (int i = 0; i < size; i++) {
                        // padded with the last key: the shape stays one of a few, the answer the same
                        select.setString(i + 2, chunk.get(Math.min(i, chunk.size() - 1)));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getString(1));
                        }
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw failed("looking up " + all.size() + " keys of run '" + runName + "'", e);
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

    private static void write(Connection connection, String runName, List<Entry> entries) throws SQLException {
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
