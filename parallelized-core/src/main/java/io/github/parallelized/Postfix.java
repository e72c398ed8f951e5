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
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
