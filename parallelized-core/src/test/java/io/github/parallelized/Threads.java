package io.github.parallelized;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Test helpers about live threads. */
final class Threads {

    private Threads() {
    }

    static List<Thread> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .collect(Collectors.toList());
    }

    /** Waits (without asserting any duration) until no live thread carries the prefix. */
    static void awaitNoneNamed(String prefix) {
        await().atMost(Duration.ofSeconds(20)).alias("no live thread named " + prefix + "*")
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(named(prefix))
                        .as(() -> named(prefix).stream().map(t -> t.getName() + " at "
                                + java.util.Arrays.toString(t.getStackTrace())).collect(Collectors.joining("; ")))
                        .isEmpty());
    }
}
