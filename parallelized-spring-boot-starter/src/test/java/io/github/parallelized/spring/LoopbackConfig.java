package io.github.parallelized.spring;

import java.util.concurrent.ThreadLocalRandom;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

import io.github.parallelized.hazelcast.ParallelizedCluster;

/** A Hazelcast member's configuration for tests: loopback only, no phone home, a cluster of the test's own. */
final class LoopbackConfig {

    private LoopbackConfig() {
    }

    /** A random base port, so that test JVMs running at once never join each other's members. */
    static int randomPort() {
        return 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
    }

    /**
     * A member of {@code cluster} on 127.0.0.1 from {@code port}, joining by TCP-IP the members at {@code ports}
     * (its own included), with {@code poolSize} threads for cluster tasks.
     */
    static Config of(String cluster, int port, int poolSize, int... ports) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.partition.count", "7");
        config.getNetworkConfig().setPort(port).setPortCount(10).getInterfaces().setEnabled(true)
                .addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        for (int other : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + other);
        }
        config.getExecutorConfig(ParallelizedCluster.EXECUTOR).setPoolSize(poolSize);
        return config;
    }
}
