package io.github.parallelized;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC store on a PostgreSQL server that the test starts itself (zonky's embedded binaries, on loopback). */
class PostgresCheckpointStoreTest extends CheckpointStoreContract {

    static EmbeddedPostgres postgres;
    static CheckpointStore store;

    @BeforeAll
    static void server() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        store = CheckpointStore.jdbc(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    CheckpointStore store() {
        return store;
    }
}
