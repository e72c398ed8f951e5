package io.github.parallelized.spring;

import java.util.Iterator;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.TaskFunction;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * An application's own {@link ParallelizedFactory} bean, wrapped so that its runs still enter the run registry
 * (endpoint, health, shutdown) and the meters: each builder it returns gets those listeners added. The bean is
 * then seen as a {@code ParallelizedFactory}, which is how it should be injected. Thread-safe if the wrapped
 * factory is.
 */
final class RegisteringFactory implements ParallelizedFactory {

    private final ParallelizedFactory factory;
    private final Supplier<RunRegistry> registry;
    private final Supplier<MetricsReporter> meters;

    RegisteringFactory(ParallelizedFactory factory, Supplier<RunRegistry> registry, Supplier<MetricsReporter> meters) {
        this.factory = factory;
        this.registry = registry;
        this.meters = meters;
    }

    /** Wraps every {@code ParallelizedFactory} bean but the starter's own. */
    static BeanPostProcessor postProcessor(ObjectProvider<RunRegistry> registry,
                                           ObjectProvider<MetricsReporter> meters) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ParallelizedFactory factory && !(bean instanceof DefaultParallelizedFactory)
                        && !(bean instanceof RegisteringFactory)) {
                    return new RegisteringFactory(factory, registry::getIfAvailable, meters::getIfAvailable);
                }
                return bean;
            }
        };
    }

    private <I, R> Parallelized.Builder<I, R> registered(Parallelized.Builder<I, R> builder) {
        addListener(builder, registry.get());
        addListener(builder, meters.get());
        return builder;
    }

    private static void addListener(Parallelized.Builder<?, ?> builder, ProgressReporter listener) {
        if (listener != null) {
            builder.listener(listener);
        }
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Iterable<? extends I> tasks) {
        return registered(factory.of(function, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Iterator<? extends I> tasks) {
        return registered(factory.of(function, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> function,
                                                Stream<? extends I> tasks) {
        return registered(factory.of(function, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Iterable<? extends I> tasks) {
        return registered(factory.ofAsync(function, tasks));
    }

    @Override
    public <I, R> Parallelized.Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                                     Stream<? extends I> tasks) {
        return registered(factory.ofAsync(function, tasks));
    }
}
