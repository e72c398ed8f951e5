package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on an H2 file database, as the sample and the documentation use it. */
class H2CheckpointStoreTest extends CheckpointStoreContract {

    @TempDir
    static Path dir;
    static JdbcDataSource dataSource;
    static CheckpointStore store;

    @BeforeAll
    static void database() {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("checkpoints") + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
        store = CheckpointStore.jdbc(dataSource);
    }

    @Override
    CheckpointStore store() {
        return store;
    }

    @Test
    void theTableIsCreatedOnceAndLeftAloneWhenAskedTo() throws Exception {
        store.record(run, List.of(CheckpointStore.Entry.success("a", 1)));
        CheckpointStore second = CheckpointStore.jdbc(dataSource);
        assertThat(second.succeeded(run)).isEqualTo(1);
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, "PARALLELIZED_CHECKPOINT", null)) {
            assertThat(tables.next()).isTrue();
        }
        assertThat(store.toString()).contains("CheckpointStore.jdbc").contains("parallelized_checkpoint");
    }

    @Test
    void withoutCreatingTheTableAMissingTableIsReportedByName() {
        JdbcDataSource empty = new JdbcDataSource();
        empty.setURL("jdbc:h2:mem:no-table-" + run);
        CheckpointStore managed = CheckpointStore.jdbc(empty, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> managed.succeeded("x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("parallelized_checkpoint");
        assertThat(CheckpointStore.JDBC_SCHEMA).startsWith("CREATE TABLE IF NOT EXISTS parallelized_checkpoint");
    }

    @Test
    void aRunKeepsItsConnectionsWhileItRecordsAndGivesThemAllBackWhenItEnds() throws Exception {
        org.h2.jdbcx.JdbcConnectionPool pool = org.h2.jdbcx.JdbcConnectionPool.create(
                "jdbc:h2:mem:pooled-" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        try {
            CheckpointStore pooled = CheckpointStore.jdbc(pool);
            java.util.concurrent.atomic.AtomicInteger mostInUse = new java.util.concurrent.atomic.AtomicInteger();
            for (int pass = 0; pass < 2; pass++) {
                try (Parallelized<Integer, Integer> started = Parallelized.of((Integer i) -> {
                            mostInUse.accumulateAndGet(pool.getActiveConnections(), Math::max);
                            return i;
                        }, java.util.stream.IntStream.range(0, 5_000).boxed())
                        .numThreads(2).progress(ProgressReporter.none())
                        .checkpoint(pooled, "pooled", String::valueOf).start()) {
                    started.forEach(outcome -> assertThat(outcome.error()).isNull());
                    assertThat(started.summary().skipped()).isEqualTo(pass == 0 ? 0 : 5_000);
                }
                assertThat(pool.getActiveConnections()).as("connections out of the pool after run " + pass)
                        .isZero();
            }
            assertThat(pooled.succeeded("pooled")).isEqualTo(5_000);
            assertThat(mostInUse.get()).isLessThanOrEqualTo(JdbcSessions.MAX_IDLE);
        } finally {
            pool.dispose();
        }
    }

    /**
     * A write that times out (a lock held elsewhere; PostgreSQL's 30 s statement timeout alike) is not tried again:
     * the database is not answering, and each try waited the whole timeout. Before, {@code record} tried it three
     * times: a run whose PostgreSQL table was locked failed after 90 s instead of 30, and its consumer, cancelled,
     * waited for all three.
     */
    @Test
    void aWriteThatTimesOutIsNotTriedAgain() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:timeout-" + run + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=100");
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource counting = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    try {
                        return method.invoke(h2, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        CheckpointStore timing = CheckpointStore.jdbc(counting);
        timing.record(run, List.of(CheckpointStore.Entry.failure("a", 1, new IllegalStateException("first"))));
        try (Connection locker = h2.getConnection()) {
            locker.setAutoCommit(false);
            try (java.sql.Statement lock = locker.createStatement()) {
                lock.executeUpdate("UPDATE parallelized_checkpoint SET attempts = attempts WHERE item_key = 'a'");
            }
            int before = connections.get();
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            timing.record(run, List.of(CheckpointStore.Entry.success("a", 1))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("recording 1 outcomes");
            assertThat(connections.get() - before).as("tries of the write").isEqualTo(1);
            locker.rollback();
        }
        timing.record(run, List.of(CheckpointStore.Entry.success("a", 1)));
        assertThat(timing.succeeded(run)).isEqualTo(1);
    }

    @Test
    void aDatabaseShutDownMidRunFailsTheRunNamingTheStoreAndNoConnectionIsLeft() throws Exception {
        org.h2.jdbcx.JdbcConnectionPool pool = org.h2.jdbcx.JdbcConnectionPool.create(
                "jdbc:h2:mem:shut-" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        try {
            CheckpointStore pooled = CheckpointStore.jdbc(pool);
            java.util.concurrent.atomic.AtomicBoolean shut = new java.util.concurrent.atomic.AtomicBoolean();
            try (Parallelized<Integer, Integer> started = Parallelized.of((Integer i) -> {
                        if (i == 3_000 && shut.compareAndSet(false, true)) {
                            try (Connection connection = pool.getConnection();
                                 java.sql.Statement statement = connection.createStatement()) {
                                statement.execute("SHUTDOWN");
                            }
                        }
                        return i;
                    }, java.util.stream.IntStream.range(0, 20_000).boxed())
                    .numThreads(2).progress(ProgressReporter.none())
                    .checkpoint(pooled, "shut", String::valueOf).start()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> started.forEach(outcome -> { }))
                        .isInstanceOf(ParallelizedException.class)
                        .hasMessageContaining("checkpoint store CheckpointStore.jdbc");
            }
            assertThat(shut).isTrue();
            // a lookup or write that was in flight on the reader's or the recorder's thread when the run ended
            // gives its connection back when that call returns (failing, the database being down)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(pool.getActiveConnections()).as("connections out of the pool after the run").isZero());
        } finally {
            pool.dispose();
        }
    }
}
