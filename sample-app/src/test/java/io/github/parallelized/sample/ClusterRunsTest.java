package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.servlet.client.RestTestClient;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** The cluster profile: the service is a member that runs "render", and cluster runs start over REST. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.profiles.active=cluster", "parallelized.progress=none"})
@AutoConfigureRestTestClient
class ClusterRunsTest {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> RUNS = new ParameterizedTypeReference<>() {
    };

    @Autowired
    private RestTestClient client;

    /** A member of its own instead of the profile's hazelcast-cluster.yaml, so that test runs never meet. */
    @TestConfiguration
    static class IsolatedMember {

        @Bean(destroyMethod = "shutdown")
        HazelcastInstance hazelcastInstance() {
            Config config = new Config();
            config.setClusterName("parallelized-sample-test-" + UUID.randomUUID());
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.setProperty("hazelcast.logging.type", "slf4j");
            config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
            config.setProperty("hazelcast.socket.bind.any", "false");
            int port = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
            config.getNetworkConfig().setPort(port).setPortCount(10).getInterfaces().setEnabled(true)
                    .addInterface("127.0.0.1");
            JoinConfig join = config.getNetworkConfig().getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
            config.getExecutorConfig("parallelized").setPoolSize(4);
            return Hazelcast.newHazelcastInstance(config);
        }
    }

    @Test
    void aClusterRunStartedOverRestRunsEveryTaskOnTheMembers() {
        Map<String, Object> started = client.post().uri("/api/cluster-runs?count=200&millis=1").exchange()
                .expectStatus().isCreated().returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
                }).getResponseBody();
        String id = String.valueOf(started.get("id"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> runs = client.get().uri("/api/cluster-runs").exchange().expectStatus().isOk()
                    .returnResult(RUNS).getResponseBody();
            assertThat(runs).filteredOn(run -> id.equals(String.valueOf(run.get("id")))).singleElement()
                    .satisfies(run -> {
                        assertThat(run).containsEntry("succeeded", 200).containsEntry("resubmitted", 0);
                        assertThat((Map<?, ?>) run.get("completedByMember")).hasSize(1);
                    });
        });
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheirNames() {
        client.post().uri("/api/cluster-runs?count=0&millis=5000").exchange().expectStatus().isBadRequest()
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("count must be 1 to 1000000, was 0").contains("millis must be 0 to 999, was 5000"));
    }
}
