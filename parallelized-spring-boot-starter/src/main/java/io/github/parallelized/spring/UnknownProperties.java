package io.github.parallelized.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Refuses keys under {@code parallelized.} that no module knows: a typo such as {@code parallelized.num-thread}
 * would otherwise be ignored without a word. The known keys are those of the configuration metadata of every jar
 * on the class path ({@code META-INF/spring-configuration-metadata.json}), so a module that adds properties under
 * {@code parallelized.} (a cluster module, say) is known as soon as it ships its metadata. Keys are compared the
 * way Spring Boot binds them (relaxed: {@code numThreads}, {@code NUM_THREADS} and {@code num-threads} are one).
 */
final class UnknownProperties {

    static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("parallelized");
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(parallelized\\.[^\"]+)\"");

    /**
     * Checks the environment.
     *
     * @throws UnknownPropertyException naming each unknown key, where it comes from and the nearest known key
     */
    UnknownProperties(Environment environment, ClassLoader classLoader) {
        Set<String> known = knownNames(classLoader);
        if (!known.contains("parallelized.num-threads")) {
            // the starter's own metadata is missing (a build without the processor): nothing to check against
            return;
        }
        Set<ConfigurationPropertyName> knownNames = new HashSet<>();
        known.forEach(name -> knownNames.add(ConfigurationPropertyName.of(name)));
        List<ConfigurationProperty> unknown = new ArrayList<>();
        Set<ConfigurationPropertyName> seen = new HashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(ROOT::isAncestorOf).stream().forEach(name -> {
                if (!isKnown(name, knownNames) && seen.add(name)) {
                    unknown.add(source.getConfigurationProperty(name));
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new UnknownPropertyException(unknown, known);
        }
    }

    /** Known if it is a known key or lies under one (an index or a map key of a known list or map property). */
    private static boolean isKnown(ConfigurationPropertyName name, Set<ConfigurationPropertyName> known) {
        for (ConfigurationPropertyName candidate = name; !candidate.isEmpty(); candidate = candidate.getParent()) {
            if (known.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    static Set<String> knownNames(ClassLoader classLoader) {
        Set<String> names = new TreeSet<>();
        try {
            Enumeration<URL> resources = classLoader.getResources("META-INF/spring-configuration-metadata.json");
            while (resources.hasMoreElements()) {
                try (InputStream in = resources.nextElement().openStream()) {
                    Matcher matcher = NAME.matcher(properties(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    while (matcher.find()) {
                        names.add(matcher.group(1));
                    }
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return names;
    }

    /** The "properties" part of a metadata file: not its groups, which are prefixes, not keys. */
    private static String properties(String metadata) {
        int start = metadata.indexOf("\"properties\"");
        if (start < 0) {
            return "";
        }
        int end = metadata.indexOf("\"hints\"", start);
        return end < 0 ? metadata.substring(start) : metadata.substring(start, end);
    }

    /** Keys under {@code parallelized.} that no module knows; the failure analysis names each and its nearest. */
    static final class UnknownPropertyException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        private final transient List<ConfigurationProperty> unknown;
        private final transient Set<String> known;

        UnknownPropertyException(List<ConfigurationProperty> unknown, Set<String> known) {
            super("Unknown properties: " + unknown.stream().map(p -> p.getName().toString()).toList());
            this.unknown = List.copyOf(unknown);
            this.known = Set.copyOf(known);
        }

        List<ConfigurationProperty> unknown() {
            return unknown;
        }

        Set<String> known() {
            return known;
        }
    }
}
