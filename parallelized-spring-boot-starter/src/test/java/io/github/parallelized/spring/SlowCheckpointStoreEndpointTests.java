package io.github.parallelized.spring;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.parallelized.CheckpointStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code parallelized} endpoint over a checkpoint store whose database stops answering (a table lock held by a
 * migration, a network partition): the people's queries of the JDBC store have no timeout, so {@code GET
 * /actuator/parallelized}, which the sample's dashboard polls every second, waited for ever, each poll holding one
 * more web thread. Now a read waits a bounded time, answers the store as unavailable, and at most one query is
 * under way whatever the number of reads.
 */
class SlowCheckpointStoreEndpointTests {

    /** A store whose every query for people blocks until released; counts the queries begun. */
    static class Stuck implements CheckpointStore {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger queries = new AtomicInteger();

        private void block() {
            queries.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public List<String> runNames() {
            block();
            return List.of("nightly");
        }

        @Override
        public long succeeded(String runName) {
            return 7;
        }

        @Override
        public long failedCount(String runName) {
            return 1;
        }

        @Override
        public List<Failure> failed(String runName, int max) {
            return List.of();
        }

        @Override
        public Set<String> succeededAmong(String runName, Collection<String> keys) {
            return Set.of();
        }

        @Override
        public void record(String runName, List<Entry> entries) {
        }

        @Override
        public void clear(String runName) {
        }

        @Override
        public String toString() {
            return "StuckStore";
        }
    }

    @Test
    void aStoreThatStopsAnsweringNeitherHoldsTheEndpointNorPilesUpQueries() {
        Stuck store = new Stuck();
        ParallelizedEndpoint endpoint = new ParallelizedEndpoint(new RunRegistry(Duration.ZERO), store, null,
                Duration.ofMillis(200));
        try {
            for (int read = 0; read < 5; read++) {
                CompletableFuture<RunsDescriptor> answer = CompletableFuture.supplyAsync(endpoint::runs);
                await("a read of the endpoint while the store does not answer").atMost(Duration.ofSeconds(10))
                        .until(answer::isDone);
                assertThat(answer.getNow(null).getCheckpoints()).singleElement().satisfies(checkpoint -> {
                    assertThat(checkpoint.getName()).isEqualTo("StuckStore");
                    assertThat(checkpoint.getError()).contains("did not answer within 200ms");
                });
            }
            assertThat(store.queries).as("queries begun by five reads").hasValue(1);
        } finally {
            store.release.countDown();
        }
        // the store answers again: a read shows it (the late answer of the query under way, or a new one)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(endpoint.runs().getCheckpoints()).singleElement().satisfies(checkpoint -> {
                    assertThat(checkpoint.getName()).isEqualTo("nightly");
                    assertThat(checkpoint.getSucceeded()).isEqualTo(7);
                    assertThat(checkpoint.getError()).isNull();
                }));
    }

    /** A store that fails, and whose toString() throws too. */
    static final class Nameless extends Stuck {
        @Override
        public List<String> runNames() {
            throw new IllegalStateException("database down");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("no name");
        }
    }

    /**
     * A failing store whose toString() throws is shown as unavailable, named by its class: naming it threw, and every
     * read of the endpoint failed (the dashboard went blank, for every run).
     */
    @Test
    void aFailingStoreWhoseToStringThrowsIsShownByItsClassAndTheEndpointAnswers() {
        ParallelizedEndpoint endpoint = new ParallelizedEndpoint(new RunRegistry(Duration.ZERO), new Nameless(), null,
                Duration.ofSeconds(5));
        assertThat(endpoint.runs().getCheckpoints()).singleElement().satisfies(checkpoint -> {
            assertThat(checkpoint.getName()).isEqualTo(Nameless.class.getName()
                    + " (its toString() threw java.lang.IllegalStateException)");
            assertThat(checkpoint.getError()).contains("database down");
        });
    }
}
