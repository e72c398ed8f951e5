package io.github.parallelized.spring;


import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Auto-configuration of cluster runs: on when the application has a {@link HazelcastInstance} bean (Spring Boot
 * makes one from {@code hazelcast.yaml} with {@code spring-boot-starter-hazelcast}) and {@code parallelized-hazelcast}
 * on its class path; {@code parallelized.cluster.enabled=false} turns it off. It registers every
 * {@link ClusterTask} bean on the local instance at start-up and offers a {@link ParallelizedClusterFactory}; with
 * Micrometer, the meters {@code parallelized.cluster.members} (data members now) and
 * {@code parallelized.cluster.resubmissions} (tasks sent again after their member was lost).
 */
@AutoConfiguration(after = {ParallelizedAutoConfiguration.class, ParallelizedMetricsAutoConfiguration.class},
        afterName = "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration")
@ConditionalOnClass(name = "io.github.parallelized.hazelcast.ParallelizedCluster")
@ConditionalOnBean(type = "com.hazelcast.core.HazelcastInstance")
@ConditionalOnProperty(name = "parallelized.cluster.enabled", havingValue = "true", matchIfMissing = true)
@Import({ParallelizedClusterAutoConfiguration.ClusterConfiguration.class,
        ParallelizedClusterAutoConfiguration.ClusterMetricsConfiguration.class})
public final class ParallelizedClusterAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedClusterAutoConfiguration() {
    }

    /** The cluster view with the application's tasks registered, and the factory of cluster runs. */
    @Configuration(proxyBeanMethods = false)
    static class ClusterConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(ParallelizedCluster.class)
        ParallelizedCluster parallelizedCluster(HazelcastInstance hazelcastInstance,
                                                ObjectProvider<ClusterTask<?, ?>> tasks) {
            ParallelizedCluster cluster = ParallelizedCluster.on(hazelcastInstance);
            tasks.orderedStream().forEach(task -> {
                if (task.version() == null) {
                    cluster.register(task.name(), task.function());
                } else {
                    cluster.register(task.name(), task.version(), task.function());
                }
            });
            return cluster;
        }

        /** The cluster runs' figures per member, for the actuator endpoint and the health contributor. */
        @Bean
        ClusterRunTracker parallelizedClusterRuns(ParallelizedCluster cluster, RunRegistry registry) {
            return new ClusterRunTracker(cluster, registry);
        }

        @Bean
        @ConditionalOnMissingBean(ParallelizedClusterFactory.class)
        DefaultParallelizedClusterFactory parallelizedClusterFactory(ParallelizedCluster cluster,
                                                                     ParallelizedProperties properties,
                                                                     RunRegistry registry,
                                                                     ClusterRunTracker tracker,
                                                                     ObjectProvider<MetricsReporter> metrics,
                                                                     ObjectProvider<ParallelizedBuilderCustomizer>
                                                                             customizers,
                                                                     ObjectProvider<CheckpointStore> checkpoints) {
            ProgressWiring progress = ProgressWiring.of(properties, registry, metrics.getIfAvailable());
            CheckpointStore store = checkpoints.getIfUnique();
            // the tracker first: it keeps a run's last figures before the registry may let the run go
            List<ProgressReporter> listeners = new ArrayList<>();
            listeners.add(tracker);
            listeners.addAll(progress.listeners());
            return new DefaultParallelizedClusterFactory(cluster, properties, progress.display(), listeners,
                    customizers.orderedStream().toList(), store != null ? store : cluster.checkpointStore());
        }
    }

    /** The cluster's own meters, when Micrometer is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class ClusterMetricsConfiguration {

        @Bean
        MeterBinder parallelizedClusterMeters(ParallelizedCluster cluster) {
            return registry -> {
                Gauge.builder("parallelized.cluster.members", cluster, ParallelizedCluster::dataMembers)
                        .description("Data members of the Hazelcast cluster that cluster runs send tasks to")
                        .register(registry);
                FunctionCounter.builder("parallelized.cluster.resubmissions", cluster,
                                ParallelizedCluster::resubmissions)
                        .description("Cluster tasks sent again because their member was lost")
                        .register(registry);
            };
        }
    }
}
