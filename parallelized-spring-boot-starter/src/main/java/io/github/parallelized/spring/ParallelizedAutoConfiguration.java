package io.github.parallelized.spring;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;


import io.github.parallelized.CheckpointStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Auto-configuration of the core of the starter: the {@link ParallelizedFactory}, the pool its runs share, the
 * registry of runs and their end at shutdown. Set through {@link ParallelizedProperties}.
 */
@AutoConfiguration
@EnableConfigurationProperties(ParallelizedProperties.class)
@Import({ParallelizedAutoConfiguration.PoolConfiguration.class, ParallelizedAutoConfiguration.RunsConfiguration.class,
        ParallelizedAutoConfiguration.ContextConfiguration.class, ParallelizedAutoConfiguration.FactoryConfiguration.class})
public final class ParallelizedAutoConfiguration {

    /** Creates nothing itself; Spring Boot instantiates it. */
    public ParallelizedAutoConfiguration() {
    }

    /** Whether runs use virtual threads: the property, or else Spring Boot's {@code spring.threads.virtual.enabled}. */
    static boolean virtualThreads(ParallelizedProperties properties, Environment environment) {
        Boolean configured = properties.getVirtualThreads();
        if (configured == null) {
            return Threading.VIRTUAL.isActive(environment);
        }
        if (configured && Runtime.version().feature() < 21) {
            throw new Check.InvalidPropertyValueException("parallelized.virtual-threads", true,
                    "false on this JVM: virtual threads need Java 21 or later, this is Java "
                            + Runtime.version().feature());
        }
        return configured;
    }

    /** The bounded pool shared by all runs ({@code parallelized.pool: shared}, the default). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "parallelized.pool", havingValue = "shared", matchIfMissing = true)
    static class PoolConfiguration {

        @Bean
        SharedPool parallelizedSharedPool(ParallelizedProperties properties, Environment environment) {
            String prefix = properties.getThreadNamePrefix() + "shared-";
            ThreadFactory threads;
            if (virtualThreads(properties, environment)) {
                threads = new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory();
            } else {
                CustomizableThreadFactory platform = new CustomizableThreadFactory(prefix);
                // like the threads a run owns: a task that ignores its interrupt cannot keep the JVM alive
                platform.setDaemon(true);
                threads = platform;
            }
            return new SharedPool(properties.numThreads(virtualThreads(properties, environment)),
                    virtualThreads(properties, environment), threads);
        }
    }

    /** The registry of runs (for the endpoint) and their end when the context closes. */
    @Configuration(proxyBeanMethods = false)
    static class RunsConfiguration {

        /** Refuses unknown keys under {@code parallelized.} while the context starts. */
        @Bean
        UnknownProperties parallelizedUnknownProperties(Environment environment) {
            return new UnknownProperties(environment, ParallelizedAutoConfiguration.class.getClassLoader());
        }

        @Bean
        RunRegistry parallelizedRunRegistry(ParallelizedProperties properties) {
            return new RunRegistry(properties.getMetrics().getRetention());
        }

        @Bean
        ThreadTracker parallelizedThreadTracker() {
            return new ThreadTracker();
        }

        /** An application's own factory still feeds the registry and the meters. */
        @Bean
        static BeanPostProcessor parallelizedFactoryRegistration(ObjectProvider<RunRegistry> registry,
                                                                 ObjectProvider<MetricsReporter> meters) {
            return RegisteringFactory.postProcessor(registry, meters);
        }

        @Bean
        RunShutdown parallelizedRunShutdown(RunRegistry registry, ObjectProvider<SharedPool> sharedPool,
                                            ThreadTracker threads, ParallelizedProperties properties) {
            return new RunShutdown(registry, sharedPool.getIfAvailable(), threads,
                    properties.getShutdown().getAwaitTermination());
        }
    }

    /**
     * The context of the starting thread in every task: Micrometer context-propagation when it is on the class
     * path (observation, trace and any registered accessor), then the MDC and the run's id in it. Ordered so that
     * the observations ({@link ParallelizedObservationAutoConfiguration}) open inside it.
     */
    @Configuration(proxyBeanMethods = false)
    static class ContextConfiguration {

        @Bean
        @Order(0)
        @ConditionalOnClass(name = PropagationDecoration.CLASS)
        @ConditionalOnProperty(name = "parallelized.propagate-context", havingValue = "true", matchIfMissing = true)
        RunDecoration parallelizedContextPropagation() {
            return new PropagationDecoration();
        }

        @Bean
        @Order(100)
        RunDecoration parallelizedMdc(ParallelizedProperties properties) {
            return new MdcDecoration(properties.isPropagateContext());
        }
    }

    /** The factory, unless the application has its own. */
    @Configuration(proxyBeanMethods = false)
    static class FactoryConfiguration {

        @Bean
        @ConditionalOnMissingBean(ParallelizedFactory.class)
        DefaultParallelizedFactory parallelizedFactory(ParallelizedProperties properties, Environment environment,
                                                       ObjectProvider<SharedPool> sharedPool, RunRegistry registry,
                                                       ThreadTracker threads,
                                                       ObjectProvider<MetricsReporter> metrics,
                                                       ObjectProvider<TaskDecorator> taskDecorators,
                                                       ObjectProvider<RunDecoration> decorations,
                                                       ObjectProvider<ParallelizedBuilderCustomizer> customizers,
                                                       ObjectProvider<CheckpointStore> checkpointStore) {
            boolean virtual = virtualThreads(properties, environment);
            ProgressWiring progress = ProgressWiring.of(properties, registry, metrics.getIfAvailable());
            SharedPool pool = sharedPool.getIfAvailable();
            return new DefaultParallelizedFactory(properties, virtual, pool, progress.display(), progress.listeners(),
                    decorator(taskDecorators.orderedStream().toList(), pool == null ? threads : null),
                    decorations.orderedStream().toList(), customizers.orderedStream().toList(),
                    checkpointStore.getIfUnique());
        }

        /** The application's task decorators (MDC, security, tracing), and for threads of a run's own, tracking. */
        private static UnaryOperator<Runnable> decorator(List<TaskDecorator> taskDecorators, ThreadTracker threads) {
            TaskDecorator taskDecorator = taskDecorators.isEmpty() ? null
                    : taskDecorators.size() == 1 ? taskDecorators.get(0)
                    : new CompositeTaskDecorator(taskDecorators);
            if (taskDecorator == null && threads == null) {
                return UnaryOperator.identity();
            }
            if (threads == null) {
                return taskDecorator::decorate;
            }
            if (taskDecorator == null) {
                return threads::track;
            }
            return runnable -> threads.track(taskDecorator.decorate(runnable));
        }
    }
}
