package io.github.parallelized.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import io.github.parallelized.TaskLimit;

/**
 * Registers the named limits as beans: their names are known only from the environment, so they are bound here,
 * while the bean definitions are registered, rather than by a properties bean. A bad value stops the start-up
 * naming its property; an unknown key under a name ({@code parallelized.limits.openai.rat}) is refused with the
 * nearest valid one.
 */
final class LimitRegistrar implements ImportBeanDefinitionRegistrar {

    static final String REGISTRY = "parallelizedLimits";
    static final String PROPERTIES = "parallelizedLimitProperties";
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(LimitProperties.PREFIX);
    private static final List<String> KEYS = List.of("concurrency", "rate", "per");

    private final Environment environment;

    LimitRegistrar(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        refuseUnknownKeys();
        LimitProperties properties = Binder.get(environment)
                .bindOrCreate("parallelized", Bindable.of(LimitProperties.class));
        Map<String, TaskLimit> limits = new LinkedHashMap<>();
        properties.getLimits().forEach((name, settings) -> limits.put(name, settings.toLimit()));
        ParallelizedLimits named = new ParallelizedLimits(limits);
        registry.registerBeanDefinition(PROPERTIES, new RootBeanDefinition(LimitProperties.class, () -> properties));
        registry.registerBeanDefinition(REGISTRY, new RootBeanDefinition(ParallelizedLimits.class, () -> named));
        limits.forEach((name, limit) -> {
            RootBeanDefinition definition = new RootBeanDefinition(TaskLimit.class, () -> limit);
            definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
            registry.registerBeanDefinition(LimitProperties.PREFIX + "." + name, definition);
        });
    }

    /** Keys under {@code parallelized.limits} must be {@code <name>.concurrency}, {@code .rate} or {@code .per}. */
    private void refuseUnknownKeys() {
        List<ConfigurationProperty> unknown = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        Set<ConfigurationPropertyName> seen = new java.util.HashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(ROOT::isAncestorOf).stream().forEach(name -> {
                int elements = name.getNumberOfElements();
                String limit = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
                KEYS.forEach(key -> known.add(LimitProperties.PREFIX + "." + limit + "." + key));
                if ((elements != 4 || !KEYS.contains(name.getElement(3, ConfigurationPropertyName.Form.UNIFORM)))
                        && seen.add(name)) {
                    unknown.add(source.getConfigurationProperty(name));
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new UnknownProperties.UnknownPropertyException(unknown, known);
        }
    }
}
