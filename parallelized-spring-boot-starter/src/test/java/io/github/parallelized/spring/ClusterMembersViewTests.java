package io.github.parallelized.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.servlet.client.RestTestClient;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.hazelcast.ParallelizedCluster;

/**
 * The members' view of cluster runs over HTTP: the application's Hazelcast instance is a lite member (it runs no
 * task), beside one data member of 2 executor threads in this JVM, on loopback in a cluster of their own. The
 * endpoint shows per member the tasks it runs and has completed; health goes DOWN, naming the run, when the only
 * data member leaves while a run still has inputs to run (the last test: the data member is gone afterwards).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.endpoints.web.exposure.include=parallelized,health",
    "management.endpoint.health.show-details=always",
    "parallelized.num-threads=2", "parallelized.progress=none"})
@AutoConfigureRestTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMembersViewTests {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLUSTER = "parallelized-view-" + UUID.randomUUID();
    private static final int PORT = LoopbackConfig.randomPort();
    /** Holds the tasks of "held" on the data member until opened; a new one per test. */
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static HazelcastInstance dataMember;
    private static HazelcastInstance liteMember;

    @Autowired
    private ParallelizedClusterFactory clusterFactory;

    @Autowired
    private ParallelizedFactory factory;

    @Autowired
    private RestTestClient http;

    @BeforeAll
    static void startMembers() {
        dataMember = Hazelcast.newHazelcastInstance(config(false));
        // one explicit version: the default hashes the class that wrote the method reference, and two classes do here
        ParallelizedCluster.on(dataMember).register("held", "1", ClusterMembersViewTests::held);
        liteMember = Hazelcast.newHazelcastInstance(config(true));
        await().atMost(WAIT).until(() -> liteMember.getCluster().getMembers().size() == 2
                && dataMember.getPartitionService().isClusterSafe());
    }

    @AfterAll
    static void stopMembers() {
        gate.countDown();
        liteMember.getLifecycleService().terminate();
        dataMember.getLifecycleService().terminate();
    }

    @BeforeEach
    void closeGate() {
        gate = new CountDownLatch(1);
    }

    @AfterEach
    void openGate() {
        gate.countDown();
    }

    static Integer held(Integer input) throws InterruptedException {
        if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate was not opened in 30 s");
        }
        return input;
    }

    private static Config config(boolean lite) {
        Config config = LoopbackConfig.of(CLUSTER, PORT, 2, PORT + 1);
        config.setLiteMember(lite);
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "1");
        return config;
    }

    @Test
    @Order(1)
    void theEndpointShowsEachMembersTasksRunningAndDone() {
        String address = "127.0.0.1:" + dataMember.getCluster().getLocalMember().getAddress().getPort();
        String uuid = dataMember.getCluster().getLocalMember().getUuid().toString();
        String id;
        try (Parallelized<Integer, Integer> run = clusterFactory.<Integer, Integer>of("held",
                IntStream.range(0, 20).boxed().toList()).numThreads(4).desc("held run").start()) {
            id = run.id();
            // 4 in flight on the one data member: 2 run on its 2 threads, 2 wait in its queue; none done
            await().atMost(WAIT).untilAsserted(() -> http.get().uri("/actuator/parallelized/{id}", run.id())
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.state").isEqualTo("RUNNING")
                    .jsonPath("$.cluster.function").isEqualTo("held")
                    .jsonPath("$.cluster.dataMembers").isEqualTo(1)
                    .jsonPath("$.cluster.members.length()").isEqualTo(1)
                    .jsonPath("$.cluster.members[0].uuid").isEqualTo(uuid)
                    .jsonPath("$.cluster.members[0].address").isEqualTo(address)
                    .jsonPath("$.cluster.members[0].running").isEqualTo(4)
                    .jsonPath("$.cluster.members[0].completed").isEqualTo(0)
                    .jsonPath("$.cluster.members[0].resubmissions").isEqualTo(0)
                    .jsonPath("$.cluster.members[0].left").isEqualTo(false));

            gate.countDown();
            List<Outcome<Integer, Integer>> outcomes = Gate.drain(run);
            assertThat(outcomes).hasSize(20).allMatch(Outcome::isSuccess);
        }
        // the finished run keeps its figures for the retention time, in the list as in the single view
        http.get().uri("/actuator/parallelized/{id}", id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.state").isEqualTo("COMPLETED")
                .jsonPath("$.succeeded").isEqualTo(20)
                .jsonPath("$.cluster.submissions").isEqualTo(20)
                .jsonPath("$.cluster.resubmissions").isEqualTo(0)
                .jsonPath("$.cluster.members[0].running").isEqualTo(0)
                .jsonPath("$.cluster.members[0].completed").isEqualTo(20);
        http.get().uri("/actuator/parallelized").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.runs[?(@.id == '" + id + "')].cluster.members[0].completed").isEqualTo(List.of(20));

        // a local run has no cluster part
        Parallelized<Integer, Integer> local = factory.<Integer, Integer>of(i -> i, List.of(1, 2)).desc("local")
                .start();
        Gate.drain(local);
        Map<?, ?> json = http.get().uri("/actuator/parallelized/{id}", local.id()).exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(json).isNotNull();
        assertThat(json.keySet()).map(Object::toString).doesNotContain("cluster");
        assertThat(json.get("state")).isEqualTo("COMPLETED");
    }

    @Test
    @Order(2)
    void healthIsDownNamingTheRunWhenTheOnlyDataMemberLeavesWhileTheRunWaits() {
        http.get().uri("/actuator/health/parallelized").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.clusterDataMembers").isEqualTo(1);
        // the run's consumer reads nothing yet: past its window of 16 the run takes no input, so it waits with
        // inputs left, whatever its tasks meet
        Parallelized<Integer, Integer> run = clusterFactory.<Integer, Integer>of("held",
                IntStream.range(0, 1_000).boxed().toList()).numThreads(2).maxInFlight(16).desc("stranded run")
                .start();
        try {
            await().atMost(WAIT).until(() -> run.progress().snapshot().running() == 2);
            dataMember.getLifecycleService().terminate();

            // the member's executor threads, interrupted, fail to answer on their dead instance: not this test's matter
            await().atMost(WAIT).dontCatchUncaughtExceptions().untilAsserted(() ->
                    http.get().uri("/actuator/health/parallelized").exchange().expectStatus().is5xxServerError()
                            .expectBody()
                            .jsonPath("$.status").isEqualTo("DOWN")
                            .jsonPath("$.details.clusterDataMembers").isEqualTo(0)
                            .jsonPath("$.details.reason").value(String.class, reason -> assertThat(reason)
                                    .contains("no data member left").contains("'stranded run' (id " + run.id() + ")"))
                            .jsonPath("$.details.strandedClusterRuns").isEqualTo(
                                    List.of("'stranded run' (id " + run.id() + ")")));
        } finally {
            run.cancel();
            Gate.drain(run);
        }
        // the run has ended: nothing waits for a data member any more
        http.get().uri("/actuator/health/parallelized").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.clusterDataMembers").isEqualTo(0);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ClusterApplication {

        /** The application's Hazelcast instance: a lite member, so that the data member can leave it alone. */
        @Bean
        HazelcastInstance hazelcastInstance() {
            return liteMember;
        }

        @Bean
        ClusterTask<Integer, Integer> held() {
            return ClusterTask.of("held", "1", ClusterMembersViewTests::held);
        }
    }
}
