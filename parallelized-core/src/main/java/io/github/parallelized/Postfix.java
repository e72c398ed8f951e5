package io.github.parallelized;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Copies and formats the postfix map: insertion order kept, null values allowed. */
final class Postfix {

    private Postfix() {
    }

    static Map<String, Object> copyOf(Map<String, ?> postfix) {
        if (postfix == null || postfix.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(postfix));
    }

    static String format(Map<String, ?> postfix) {
        return postfix.entrySet().stream()
                .map(e -> e.getKey() + "=" + text(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** A value as text; one whose toString() throws is named by its type, so that the display is not dropped. */
    private static String text(Object value) {
        try {
            return String.valueOf(value);
        } catch (Throwable e) {
            return value.getClass().getName() + " (its toString() threw " + e.getClass().getSimpleName() + ")";
        }
    }
}
