package io.github.parallelized.spring;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains a start-up that failed on a bad {@code parallelized.*} value: the property, the value, where it came
 * from and what is allowed. Covers values out of range (checked by {@link ParallelizedProperties}) and values
 * that do not convert at all ({@code num-threads: lots}, an unknown {@code progress}). Runs before Spring Boot's
 * generic binding analysis, which names no allowed values for numbers and durations.
 */
final class PropertiesFailureAnalyzer implements FailureAnalyzer, Ordered {

    private final Environment environment;

    /** Spring Boot passes the environment, to quote a value as it was written ({@code -1s}, not {@code PT-1S}). */
    PropertiesFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        UnknownProperties.UnknownPropertyException unknown = find(failure,
                UnknownProperties.UnknownPropertyException.class);
        if (unknown != null) {
            return unknownKeys(unknown, failure);
        }
        Check.InvalidPropertyValueException invalid = find(failure, Check.InvalidPropertyValueException.class);
        if (invalid != null) {
            String written = environment != null ? environment.getProperty(invalid.property()) : null;
            String description = written == null ? invalid.getMessage()
                    : Check.message(invalid.property(), written, invalid.allowed());
            return analysis(description, invalid.property(), invalid.allowed(), failure);
        }
        BindException bind = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof BindException candidate && candidate.getName().toString().startsWith("parallelized.")) {
                bind = candidate;
            }
        }
        if (bind == null) {
            return null;
        }
        String property = bind.getName().toString();
        ConfigurationProperty source = bind.getProperty();
        Object value = source != null ? source.getValue() : "?";
        String description = Check.message(property, value, Check.allowed(property));
        if (source != null && source.getOrigin() != null) {
            description += " (from " + source.getOrigin() + ")";
        }
        return analysis(description, property, Check.allowed(property), failure);
    }

    private static FailureAnalysis unknownKeys(UnknownProperties.UnknownPropertyException unknown,
                                               Throwable failure) {
        StringBuilder description = new StringBuilder();
        StringBuilder action = new StringBuilder();
        unknown.unknown().stream()
                .sorted(java.util.Comparator.comparing(property -> property.getName().toString()))
                .forEach(property -> {
                    String name = property.getName().toString();
                    String nearest = Check.nearest(name, unknown.known());
                    description.append(description.length() == 0 ? "" : "\n")
                            .append("Unknown property '").append(name).append("'")
                            .append(property.getOrigin() != null ? " (from " + property.getOrigin() + ")" : "")
                            .append(": the starter has no such setting; did you mean '").append(nearest).append("'?");
                    action.append(action.length() == 0 ? "" : "\n")
                            .append("Rename '").append(name).append("' to '").append(nearest)
                            .append("', or remove it.");
                });
        action.append(" The parallelized.* properties are listed in the starter's configuration metadata.");
        return new FailureAnalysis(description.toString(), action.toString(), failure);
    }

    private static FailureAnalysis analysis(String description, String property, String allowed,
                                            Throwable failure) {
        return new FailureAnalysis(description, "Set '" + property + "' to " + allowed
                + ", or remove it to use the default.", failure);
    }

    private static <E extends Throwable> E find(Throwable failure, Class<E> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
