package io.github.parallelized.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code parallelized.checkpoint.*} settings: whether the application's {@code DataSource} backs a
 * {@link io.github.parallelized.CheckpointStore}, so that runs of the {@link ParallelizedFactory} can be resumed by
 * name ({@code factory.of(fn, inputs).checkpoint("nightly-import", Item::id)}), and who creates its table. Bound once
 * at start-up through the constructor. Immutable and thread-safe.
 */
@ConfigurationProperties("parallelized.checkpoint")
public final class ParallelizedCheckpointProperties {

    /**
     * Whether a CheckpointStore bean is created from the application's DataSource (when there is exactly one and no
     * CheckpointStore bean of the application's own).
     */
    private final boolean enabled;

    /**
     * Who creates the table parallelized_checkpoint: always (the starter, at start-up, when it is absent) or never
     * (a Flyway or Liquibase migration; the store then issues no DDL).
     */
    private final InitializeSchema initializeSchema;

    /**
     * Binds the checkpoint settings.
     *
     * @param enabled          whether the store is created
     * @param initializeSchema who creates the table; null means always
     */
    public ParallelizedCheckpointProperties(@DefaultValue("true") boolean enabled,
                                            @DefaultValue("always") InitializeSchema initializeSchema) {
        this.enabled = enabled;
        this.initializeSchema = initializeSchema == null ? InitializeSchema.ALWAYS : initializeSchema;
    }

    /**
     * Whether the store is created from the DataSource.
     *
     * @return true unless switched off
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Who creates the table.
     *
     * @return never null
     */
    public InitializeSchema getInitializeSchema() {
        return initializeSchema;
    }

    /** Who creates the checkpoint table. */
    public enum InitializeSchema {
        /** The starter, at start-up, when the table is absent ({@code CREATE TABLE IF NOT EXISTS}). */
        ALWAYS,
        /** Someone else (Flyway, Liquibase): the store issues no DDL. */
        NEVER
    }
}
