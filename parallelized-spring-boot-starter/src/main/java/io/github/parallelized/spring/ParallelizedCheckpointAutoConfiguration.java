package io.github.parallelized.spring;

import javax.sql.DataSource;

import io.github.parallelized.CheckpointStore;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of resumable runs: a {@link CheckpointStore} on the application's {@link DataSource}
 * ({@link CheckpointStore#jdbc(DataSource, boolean)}), which the {@link ParallelizedFactory} sets as its runs'
 * default store, so that a run names just its checkpoint. Only when there is one DataSource, no CheckpointStore
 * bean of the application's own, and {@code parallelized.checkpoint.enabled} is not false. With
 * {@code parallelized.checkpoint.initialize-schema=always} (the default) the table is created at start-up when
 * absent; with {@code never} the store issues no DDL (a Flyway or Liquibase migration creates it; its definition is
 * {@link CheckpointStore#JDBC_SCHEMA}).
 */
@AutoConfiguration(before = ParallelizedAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty(name = "parallelized.checkpoint.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ParallelizedCheckpointProperties.class)
public final class ParallelizedCheckpointAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedCheckpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(CheckpointStore.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    CheckpointStore parallelizedCheckpointStore(DataSource dataSource, ParallelizedCheckpointProperties properties) {
        boolean createTable = properties.getInitializeSchema() == ParallelizedCheckpointProperties.InitializeSchema.ALWAYS;
        CheckpointStore store = CheckpointStore.jdbc(dataSource, createTable);
        if (createTable) {
            store.runNames(); // creates the table now: a database that refuses it stops the start-up, not a run
        }
        return store;
    }
}
