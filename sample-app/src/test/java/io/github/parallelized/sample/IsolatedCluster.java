package io.github.parallelized.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;

import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.github.parallelized.spring.ClusterTask;

/**
 * The cluster of the sample's tests instead of the profile's {@code hazelcast-cluster.yaml}: a cluster name of its
 * own and a random port range on 127.0.0.1, so that test runs never meet each other or the README's members. The
 * service's own member is the bean; {@link #addMember()} starts more members in the test's JVM, with the service's
 * {@code render} task registered as every instance of the service registers it.
 */
@TestConfiguration(proxyBeanMethods = false)
class IsolatedCluster {

    /** Threads of each member's {@code parallelized} executor. */
    static final int POOL_SIZE = 4;

    private final String name = "parallelized-sample-test-" + UUID.randomUUID();
    private final int port = 20_000 + ThreadLocalRandom.current().nextInt(400) * 100;
    private final List<ParallelizedCluster> views = new ArrayList<>();

    @Bean(destroyMethod = "shutdown")
    HazelcastInstance hazelcastInstance() {
        return Hazelcast.newHazelcastInstance(config());
    }

    /**
     * Starts one more member of the service's cluster in this JVM, with the {@code render} task registered.
     *
     * @return the member; the caller terminates or shuts it down
     */
    HazelcastInstance addMember() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config());
        ClusterTask<Long, Long> render = ClusterRuns.renderTask();
        ParallelizedCluster view = ParallelizedCluster.on(member);
        view.register(render.name(), render.function());
        synchronized (views) {
            views.add(view);
        }
        return member;
    }

    /** Closes the cluster views of the members {@link #addMember()} started, before they shut down. */
    void closeAddedViews() {
        synchronized (views) {
            for (ParallelizedCluster view : views) {
                try {
                    view.close();
                } catch (HazelcastInstanceNotActiveException e) {
                    // the view of a member the test terminated: close() cannot reach Hazelcast any more
                }
            }
            views.clear();
        }
    }

    private Config config() {
        Config config = new Config();
        config.setClusterName(name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        config.getNetworkConfig().setPort(port).setPortCount(10).getInterfaces().setEnabled(true)
                .addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        config.getExecutorConfig("parallelized").setPoolSize(POOL_SIZE);
        return config;
    }
}
