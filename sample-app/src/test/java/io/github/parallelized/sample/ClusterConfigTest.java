package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import com.hazelcast.config.ClasspathYamlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

/** The cluster profile's configuration, as the three members of docs/cluster.md load it. */
class ClusterConfigTest {

    private final Config config = new ClasspathYamlConfig("hazelcast-cluster.yaml");

    @Test
    void membersFindEachOtherOnLoopbackOnly() {
        assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().getMembers()).isNotEmpty().allMatch(member -> member.startsWith("127.0.0.1:"));
        assertThat(config.getExecutorConfigs()).containsKey("parallelized");
    }

    @Test
    void springStopsTheMemberAfterTheRunsNotHazelcastsOwnHook() {
        // with Hazelcast's hook, SIGTERM terminated the member beside Spring's shutdown: runs lost their cluster
        // and closing the cluster view failed with HazelcastInstanceNotActiveException
        assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    }

    /**
     * docs/cluster.md starts three members from one directory: with one H2 file for all, H2's file lock stopped the
     * second and the third at start-up ("Database may be already in use ... The file is locked").
     */
    @Test
    void membersStartedFromOneDirectoryEachKeepTheirOwnCheckpointDatabase() throws IOException {
        String first = clusterProperty("spring.datasource.url", 8081);
        String second = clusterProperty("spring.datasource.url", 8082);
        assertThat(first).isNotEqualTo(second).startsWith("jdbc:h2:file:").contains("8081")
                .contains(";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(second).contains("8082");
    }

    /** A property as a member started with {@code --spring.profiles.active=cluster --server.port=port} sees it. */
    private static String clusterProperty(String name, int port) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        for (String file : new String[] {"application.yml", "application-cluster.yml"}) {
            for (PropertySource<?> source : yaml.load(file, new ClassPathResource(file))) {
                environment.getPropertySources().addFirst(source); // the profile's file wins over the default one
            }
        }
        environment.getPropertySources().addFirst(new MapPropertySource("command line", Map.of("server.port", port)));
        return environment.getProperty(name);
    }
}
