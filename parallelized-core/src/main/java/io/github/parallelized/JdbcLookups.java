package io.github.parallelized;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * {@link JdbcCheckpointStore#succeededAmong}: the keys with a recorded success, looked up a chunk per statement
 * ({@link JdbcDialect#joinLookup} on H2 and PostgreSQL, {@link JdbcDialect#inListLookup} elsewhere), each chunk padded
 * to a power of two with its last key, on a connection that keeps its statements ({@link JdbcSessions}). Stateless.
 */
final class JdbcLookups {

    /**
     * The largest IN list of one lookup statement. H2 checks each row it finds against the whole list (with
     * parameters it keeps no hash set), so a long list costs its square: measured on H2 2.4, 32 pairs per statement
     * looked up 385,000 keys/s, 128 pairs 245,000, 512 pairs 81,000.
     */
    static final int MAX_LOOKUP = 32;
    /**
     * The most keys of one join lookup (H2, PostgreSQL). Measured on H2 2.4 (one thread, keys found): 32 pairs of
     * the row-value IN list 196,000 keys/s, a join of 128 to 1,024 keys 330,000 to 450,000 keys/s, about alike; 256
     * keeps a statement's parameters few.
     */
    static final int MAX_JOIN_LOOKUP = 256;

    private JdbcLookups() {
    }

    /** Adds to {@code found} the keys among {@code all} that have a recorded success. */
    static void succeededAmong(JdbcSessions.Session session, JdbcDialect dialect, String runName, List<String> all,
                               Set<String> found) throws SQLException {
        boolean join = dialect.joinsLookups();
        int max = join ? MAX_JOIN_LOOKUP : MAX_LOOKUP;
        for (int from = 0; from < all.size(); from += max) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + max));
            int size = Integer.highestOneBit(chunk.size());
            size = size == chunk.size() ? size : size * 2;
            String sql = join ? JdbcDialect.joinLookup(size) : JdbcDialect.inListLookup(size);
            lookUp(session.prepare(sql), join, runName, chunk, size, found); // prepared once per connection
        }
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
}
