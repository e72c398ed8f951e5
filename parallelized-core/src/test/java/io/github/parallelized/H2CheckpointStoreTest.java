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
}
