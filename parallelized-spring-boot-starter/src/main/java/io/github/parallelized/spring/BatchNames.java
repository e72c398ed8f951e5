package io.github.parallelized.spring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code batch} value of the observations: the desc made safe for a tag, and past
 * {@code parallelized.metrics.max-batches} distinct values, {@value MicrometerProgress#OTHER}, so that many descs
 * cannot blow up the number of series that observations make. Thread-safe.
 */
final class BatchNames {

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    BatchNames(int max) {
        this.max = max;
    }

    String of(String desc) {
        String tag = SafeText.forTag(desc);
        if (seen.contains(tag)) {
            return tag;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(tag);
                return tag;
            }
        }
        return MicrometerProgress.OTHER;
    }
}
