package io.github.parallelized;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC store's writes for a database without a known upsert (batched updates, then inserts), run on H2. */
class H2GenericCheckpointStoreTest extends CheckpointStoreContract {

    static CheckpointStore store;

    @BeforeAll
    static void database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:generic;DB_CLOSE_DELAY=-1");
        store = JdbcCheckpointStore.generic(dataSource);
    }

    @Override
    CheckpointStore store() {
        return store;
    }
}
