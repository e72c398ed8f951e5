package io.github.parallelized.hazelcast;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Hazelcast members in this JVM on loopback only, in a cluster of their own (a unique name and port range, so
 * that parallel test JVMs never join each other).
 */
final class TestCluster implements AutoCloseable {

    static final int PORTS = 20;

    final String name = "parallelized-test-" + UUID.randomUUID();
    final int basePort = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
    final int poolSize;
    final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastInstance> clients = new ArrayList<>();

    TestCluster(int size, int poolSize) {
        this.poolSize = poolSize;
        for (int i = 0; i < size; i++) {
            members.add(Hazelcast.newHazelcastInstance(memberConfig(name, basePort, poolSize)));
        }
        awaitSize(size);
    }

    static Config memberConfig(String clusterName, int basePort, int poolSize) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(basePort).setPortAutoIncrement(true).setPortCount(PORTS);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int port = basePort; port < basePort + 6; port++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        config.getExecutorConfig(ParallelizedCluster.EXECUTOR).setPoolSize(poolSize);
        return config;
    }

    HazelcastInstance addMember() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(memberConfig(name, basePort, poolSize));
        members.add(member);
        awaitSize(members.size());
        return member;
    }

    /** A lite member: in the cluster, runs no tasks; a submitter like a client, but on the member protocol. */
    HazelcastInstance liteMember() {
        Config config = memberConfig(name, basePort, poolSize);
        config.setLiteMember(true);
        HazelcastInstance lite = Hazelcast.newHazelcastInstance(config);
        clients.add(lite);
        await().atMost(Duration.ofSeconds(30)).until(() -> lite.getCluster().getMembers().size() == liveMembers() + 1);
        return lite;
    }

    /** A client of the cluster {@code clusterName} on loopback, knowing the first ports from {@code basePort}. */
    static ClientConfig clientConfig(String clusterName, int basePort) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        for (int i = 0; i < 5; i++) {
            config.getNetworkConfig().addAddress("127.0.0.1:" + (basePort + i));
        }
        return config;
    }

    HazelcastInstance client() {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(clientConfig(name, basePort));
        clients.add(client);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.getCluster().getMembers().size() == liveMembers());
        return client;
    }

    private long liveMembers() {
        return members.stream().filter(m -> m.getLifecycleService().isRunning()).count();
    }

    void awaitSize(int size) {
        await().atMost(Duration.ofSeconds(30)).until(() -> members.stream()
                .filter(m -> m.getLifecycleService().isRunning())
                .allMatch(m -> m.getCluster().getMembers().size() == size && m.getPartitionService().isClusterSafe()));
    }

    @Override
    public void close() {
        clients.forEach(c -> c.getLifecycleService().terminate());
        members.forEach(m -> m.getLifecycleService().terminate());
    }
}
