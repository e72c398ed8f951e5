package io.github.parallelized.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Summary;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checkpoint store from the application's DataSource, one test per condition, and runs that resume by name. */
class ParallelizedCheckpointTests {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedCheckpointAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none");

    static JdbcDataSource h2() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:checkpoint-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    @Configuration(proxyBeanMethods = false)
    static class OneDataSource {
        @Bean
        DataSource dataSource() {
            return h2();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource first() {
            return h2();
        }

        @Bean
        DataSource second() {
            return h2();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        static final CheckpointStore STORE = CheckpointStore.inMemory();

        @Bean
        CheckpointStore myStore() {
            return STORE;
        }
    }

    static boolean hasTable(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, "PARALLELIZED_CHECKPOINT", null)) {
            return tables.next();
        }
    }

    @Test
    void aStoreOnTheDataSourceWithItsTableCreatedAtStartUp() {
        runner.withUserConfiguration(OneDataSource.class).run(context -> {
            assertThat(context).hasSingleBean(CheckpointStore.class);
            assertThat(context.getBean(CheckpointStore.class).toString()).contains("CheckpointStore.jdbc");
            assertThat(hasTable(context.getBean(DataSource.class))).isTrue();
        });
    }

    @Test
    void noStoreWithoutADataSourceAndARunByNameIsRefused() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(CheckpointStore.class);
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            assertThatThrownBy(() -> factory.of((Integer i) -> i, List.of(1)).checkpoint("r", String::valueOf))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no checkpoint store");
        });
    }

    @Test
    void noStoreWhenSwitchedOff() {
        runner.withUserConfiguration(OneDataSource.class).withPropertyValues("parallelized.checkpoint.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CheckpointStore.class));
    }

    @Test
    void withInitializeSchemaNeverTheTableIsLeftToMigrations() {
        runner.withUserConfiguration(OneDataSource.class)
                .withPropertyValues("parallelized.checkpoint.initialize-schema=never").run(context -> {
                    assertThat(context).hasSingleBean(CheckpointStore.class);
                    assertThat(hasTable(context.getBean(DataSource.class))).isFalse();
                });
    }

    @Test
    void aBadInitializeSchemaStopsTheStartUpNamingIt() {
        runner.withUserConfiguration(OneDataSource.class)
                .withPropertyValues("parallelized.checkpoint.initialize-schema=sometimes")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("parallelized.checkpoint.initialize-schema"));
    }

    @Test
    void backsOffForTheApplicationsOwnStoreWhichTheFactoryUses() {
        runner.withUserConfiguration(OneDataSource.class, OwnStore.class).run(context -> {
            assertThat(context).getBeans(CheckpointStore.class).containsOnlyKeys("myStore");
            Summary summary = runAll(context.getBean(ParallelizedFactory.class), "own", 10);
            assertThat(summary.succeeded()).isEqualTo(10);
            assertThat(OwnStore.STORE.succeeded("own")).isEqualTo(10);
        });
    }

    @Test
    void noStoreWhenTheDataSourceIsAmbiguous() {
        runner.withUserConfiguration(TwoDataSources.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CheckpointStore.class));
    }

    @Test
    void aStoreOnSpringBootsOwnDataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        ParallelizedAutoConfiguration.class, ParallelizedCheckpointAutoConfiguration.class))
                .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none",
                        "spring.datasource.url=jdbc:h2:mem:boot-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1")
                .run(context -> {
                    assertThat(context).hasSingleBean(CheckpointStore.class);
                    assertThat(runAll(context.getBean(ParallelizedFactory.class), "boot", 5).succeeded()).isEqualTo(5);
                });
    }

    @Test
    void aFactoryRunNamedByItsCheckpointResumes() {
        runner.withUserConfiguration(OneDataSource.class).run(context -> {
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            CheckpointStore store = context.getBean(CheckpointStore.class);
            store.record("nightly", List.of(CheckpointStore.Entry.success("0", 1), CheckpointStore.Entry.success("1", 1)));
            Summary summary = runAll(factory, "nightly", 10);
            assertThat(summary.skipped()).isEqualTo(2);
            assertThat(summary.succeeded()).isEqualTo(8);
            assertThat(store.succeeded("nightly")).isEqualTo(10);
        });
    }

    @Test
    void theEndpointShowsEachCheckpointedRunWithItsFirstFailures() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedCheckpointAutoConfiguration.class, ParallelizedEndpointAutoConfiguration.class,
                        EndpointAutoConfiguration.class))
                .withUserConfiguration(OneDataSource.class)
                .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none",
                        "management.endpoints.web.exposure.include=parallelized")
                .run(context -> {
                    CheckpointStore store = context.getBean(CheckpointStore.class);
                    store.record("imports", List.of(CheckpointStore.Entry.success("a", 1),
                            CheckpointStore.Entry.failure("b", 3, new java.io.IOException("disk full"))));
                    RunsDescriptor runs = context.getBean(ParallelizedEndpoint.class).runs();
                    assertThat(runs.getCheckpoints()).singleElement().satisfies(checkpoint -> {
                        assertThat(checkpoint.getName()).isEqualTo("imports");
                        assertThat(checkpoint.getSucceeded()).isEqualTo(1);
                        assertThat(checkpoint.getFailed()).isEqualTo(1);
                        assertThat(checkpoint.getError()).isNull();
                        assertThat(checkpoint.getFailures()).singleElement().satisfies(failure -> {
                            assertThat(failure.getKey()).isEqualTo("b");
                            assertThat(failure.getErrorType()).isEqualTo("java.io.IOException");
                            assertThat(failure.getMessage()).isEqualTo("disk full");
                            assertThat(failure.getAttempts()).isEqualTo(3);
                        });
                    });
                });
    }

    @Test
    void theEndpointShowsNoCheckpointsWithoutAStore() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedCheckpointAutoConfiguration.class, ParallelizedEndpointAutoConfiguration.class,
                        EndpointAutoConfiguration.class))
                .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none",
                        "management.endpoints.web.exposure.include=parallelized")
                .run(context -> assertThat(context.getBean(ParallelizedEndpoint.class).runs().getCheckpoints())
                        .isEmpty());
    }

    private static Summary runAll(ParallelizedFactory factory, String name, int inputs) {
        try (Parallelized<Integer, Integer> run = factory.of((Integer i) -> i,
                IntStream.range(0, inputs).boxed().toList()).checkpoint(name, String::valueOf).start()) {
            for (Outcome<Integer, Integer> ignored : run) {
                // consume
            }
            return run.summary();
        }
    }
}
