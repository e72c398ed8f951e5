package io.github.parallelized;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connections a {@link JdbcCheckpointStore} holds while runs record into it, each with its prepared statements.
 * A run's lookups and writes each took a connection from the data source and prepared their statement again: with
 * H2's own pool that is a parse of a 500-row insert or a 256-key join per call (its session's query cache did not
 * survive the connection's return, nor a {@code setQueryTimeout}), measured at a sixth of the writer's time. So while
 * at least one run records ({@link #runStarted()} to {@link #runEnded()}), a connection that served a call without
 * failing is kept for the next one, and its statements with it: at most {@link #MAX_IDLE}, so a run holds no more
 * connections than it uses at once. When the last run ends, every kept connection is closed (given back to its
 * pool). Outside runs, a connection is closed after each call. A connection whose call failed is never kept.
 *
 * <p>Thread-safe: the kept connections under this object's monitor; a {@link Session} is used by one thread at a
 * time, the one that took it.
 */
final class JdbcSessions {

    /** The most connections kept between calls: a run makes two lookups and one write at once. */
    static final int MAX_IDLE = 3;
    /** The most statements kept per connection (a run uses a few shapes: see {@link JdbcDialect}). */
    static final int MAX_STATEMENTS = 16;

    /** Where connections come from (the store's {@code connect()}, which creates the table at the first). */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    // guarded by this
    private final ArrayDeque<Session> idle = new ArrayDeque<>();
    private int runs;

    JdbcSessions(Connector connector) {
        this.connector = connector;
    }

    /** A kept connection, or a new one from the data source. */
    Session take() throws SQLException {
        synchronized (this) {
            Session kept = idle.pollLast();
            if (kept != null) {
                return kept;
            }
        }
        return new Session(connector.connect());
    }

    /** After a call that did not fail: kept for the next while a run records, else closed. */
    void give(Session session) {
        try {
            if (!session.connection.getAutoCommit()) {
                session.connection.rollback(); // as a pool would: no transaction outlives its call
            }
        } catch (SQLException | RuntimeException e) {
            session.close();
            return;
        }
        synchronized (this) {
            if (runs > 0 && idle.size() < MAX_IDLE) {
                idle.addLast(session);
                return;
            }
        }
        session.close();
    }

    /**
     * A call failed on this session: it is closed, and so are the kept ones, which may be as stale (a database that
     * restarted): the next call, or the next try of a write, starts from the data source.
     */
    void failed(Session session) {
        List<Session> closing;
        synchronized (this) {
            closing = new ArrayList<>(idle);
            idle.clear();
        }
        session.close();
        closing.forEach(Session::close);
    }

    /** A run starts recording into the store. */
    synchronized void runStarted() {
        runs++;
    }

    /** A run ended: once none records, the kept connections are closed. */
    void runEnded() {
        List<Session> closing;
        synchronized (this) {
            runs = Math.max(0, runs - 1);
            if (runs > 0) {
                return;
            }
            closing = new ArrayList<>(idle);
            idle.clear();
        }
        closing.forEach(Session::close);
    }

    /** One connection and the statements prepared on it, each with the run's timeout set once. */
    static final class Session {
        final Connection connection;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true);

        Session(Connection connection) {
            this.connection = connection;
        }

        /** The statement of {@code sql}, prepared at its first use on this connection. */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statement.setQueryTimeout(JdbcCheckpointStore.TIMEOUT_SECONDS);
                statements.put(sql, statement);
                if (statements.size() > MAX_STATEMENTS) {
                    Iterator<PreparedStatement> eldest = statements.values().iterator();
                    closeQuietly(eldest.next());
                    eldest.remove();
                }
            }
            return statement;
        }

        /** Closes the statements and the connection (back to its pool); failures are of no interest here. */
        void close() {
            statements.values().forEach(Session::closeQuietly);
            statements.clear();
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                // a broken connection: the pool finds out
            }
        }

        private static void closeQuietly(PreparedStatement statement) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException e) {
                // closed with its connection anyway
            }
        }
    }
}
