package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.ClasspathYamlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

/** The cluster profile's Hazelcast configuration, as the README's three members load it. */
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
}
