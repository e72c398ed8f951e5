package io.github.parallelized;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQL of {@link JdbcCheckpointStore}: its table, and how each kind of database writes and looks up a batch.
 * Writes are one batched upsert per batch of entries, in one transaction: the standard {@code MERGE} on H2, {@code
 * INSERT ... ON CONFLICT} on PostgreSQL (9.5 and later; {@code MERGE} only came with 15), and on any other database a
 * batch of updates then a batch of inserts for the keys that no update found (the three are tested on H2 and
 * PostgreSQL). On H2 a batch is first written as plain inserts ({@link #insertsFirst()}, see {@link JdbcWrites}).
 * Lookups on H2 and PostgreSQL join the keys as a {@code VALUES} table ({@link #joinsLookups()}); on other databases
 * they are row-value {@code IN} lists. Both are padded to a power of two, so that a database sees at most a dozen
 * statement shapes.
 */
enum JdbcDialect {
    /** H2: {@code MERGE}, after a try of plain inserts. */
    MERGE,
    /** PostgreSQL: {@code INSERT ... ON CONFLICT}. */
    ON_CONFLICT,
    /** Any other SQL database: updates, then inserts. */
    GENERIC;

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

    static final String SUCCESS = "UPDATE " + TABLE + " SET succeeded = TRUE, attempts = attempts + ?, "
            + "updated_at = CURRENT_TIMESTAMP WHERE run_name = ? AND item_key = ?";
    static final String FAILURE = "UPDATE " + TABLE + " SET attempts = attempts + ?, error_type = ?, "
            + "message = ?, updated_at = CURRENT_TIMESTAMP WHERE run_name = ? AND item_key = ?";
    static final String INSERT = "INSERT INTO " + TABLE + " (run_name, item_key, succeeded, attempts, "
            + "error_type, message, updated_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";
    private static final String ROW = ", (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";

    /** A success is final; a failure adds its attempts and replaces the last error. */
    private static final String MERGE_SQL = "MERGE INTO " + TABLE + " t USING (VALUES (CAST(? AS VARCHAR(200)), "
            + "CAST(? AS VARCHAR(1000)), CAST(? AS BOOLEAN), CAST(? AS INTEGER), CAST(? AS VARCHAR(500)), "
            + "CAST(? AS VARCHAR(2000)))) AS s (run_name, item_key, succeeded, attempts, error_type, message) "
            + "ON t.run_name = s.run_name AND t.item_key = s.item_key "
            + "WHEN MATCHED THEN UPDATE SET succeeded = t.succeeded OR s.succeeded, attempts = t.attempts + s.attempts, "
            + "error_type = CASE WHEN s.succeeded THEN t.error_type ELSE s.error_type END, "
            + "message = CASE WHEN s.succeeded THEN t.message ELSE s.message END, updated_at = CURRENT_TIMESTAMP "
            + "WHEN NOT MATCHED THEN INSERT (run_name, item_key, succeeded, attempts, error_type, message, updated_at) "
            + "VALUES (s.run_name, s.item_key, s.succeeded, s.attempts, s.error_type, s.message, CURRENT_TIMESTAMP)";
    private static final String ON_CONFLICT_SQL = "INSERT INTO " + TABLE + " AS t (run_name, item_key, succeeded, "
            + "attempts, error_type, message, updated_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP) "
            + "ON CONFLICT (run_name, item_key) DO UPDATE SET succeeded = t.succeeded OR EXCLUDED.succeeded, "
            + "attempts = t.attempts + EXCLUDED.attempts, "
            + "error_type = CASE WHEN EXCLUDED.succeeded THEN t.error_type ELSE EXCLUDED.error_type END, "
            + "message = CASE WHEN EXCLUDED.succeeded THEN t.message ELSE EXCLUDED.message END, "
            + "updated_at = CURRENT_TIMESTAMP";

    /** The dialect of a connection's database, by its product name. */
    static JdbcDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        return "H2".equalsIgnoreCase(product) ? MERGE : "PostgreSQL".equalsIgnoreCase(product) ? ON_CONFLICT : GENERIC;
    }

    /**
     * Whether to try a batch as plain inserts first: on H2, whose {@code MERGE} looks each key up before it inserts
     * (and evaluates its {@code USING} row per entry): inserts write a first run's batch a third faster (measured).
     * PostgreSQL's {@code ON CONFLICT} is an insert already.
     */
    boolean insertsFirst() {
        return this == MERGE;
    }

    /** Whether lookups join the keys as a {@code VALUES} table (H2, PostgreSQL) rather than use IN lists. */
    boolean joinsLookups() {
        return this != GENERIC;
    }

    /** The one-row upsert of this dialect ({@code MERGE} or {@code ON CONFLICT}); none for the generic one. */
    String upsert() {
        return this == MERGE ? MERGE_SQL : this == ON_CONFLICT ? ON_CONFLICT_SQL : null;
    }

    /**
     * The statements built so far, by kind and size (a few dozen at most: the sizes are powers of two and the full
     * batch). Built once, a statement is the same string at every call: a 500-row insert is 20,000 characters, and
     * building and hashing it again per call (to find its prepared statement) cost the writer a few per cent.
     */
    private static final java.util.Map<Integer, String> BUILT = new java.util.concurrent.ConcurrentHashMap<>();

    private static String built(int kind, int size, java.util.function.IntFunction<String> build) {
        return BUILT.computeIfAbsent(kind << 24 | size, k -> build.apply(size));
    }

    /** A plain insert of {@code rows} rows (six parameters each). */
    static String insert(int rows) {
        return built(0, rows, n -> INSERT + ROW.repeat(n - 1));
    }

    /**
     * A row-value IN list (other databases): H2 looks each pair up in the primary key, where {@code run_name = ?
     * AND item_key IN (...)} scans the whole run (measured: minutes for a million keys).
     */
    static String inListLookup(int pairs) {
        return built(1, pairs, n -> "SELECT item_key FROM " + TABLE
                + " WHERE succeeded = TRUE AND (run_name, item_key) IN ((?, ?)" + ", (?, ?)".repeat(n - 1) + ")");
    }

    /**
     * H2 and PostgreSQL: the keys as a {@code VALUES} table joined to the checkpoint table, each key one lookup in
     * the primary key; H2 checks no list per row, so a statement takes many keys.
     */
    static String joinLookup(int keys) {
        return built(2, keys, n -> "SELECT t.item_key FROM (VALUES (CAST(? AS VARCHAR(1000)))" + ", (?)".repeat(n - 1)
                + ") AS v (k) JOIN " + TABLE + " t ON t.run_name = ? AND t.item_key = v.k WHERE t.succeeded = TRUE");
    }
}
