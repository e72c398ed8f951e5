package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What keeps a cold {@code start()} cheap, guarded here because nothing else would notice it going (the figures
 * are in docs/performance.md, measured with {@code benchmarks.jar coldstart}).
 */
class ColdStartTest {

    /** Finding a System.Logger starts the JDK's logging: tens of milliseconds in a fresh JVM. */
    @Test
    void aLogFindsItsLoggerOnlyWhenItLogs() throws ReflectiveOperationException {
        Log log = Log.named("io.github.parallelized.test.cold");
        Field logger = Log.class.getDeclaredField("logger");
        logger.setAccessible(true);
        assertThat(logger.get(log)).as("no logger before the first line").isNull();
        log.info("a line for {}", "the test");
        assertThat(logger.get(log)).isNotNull();
    }

    /**
     * The core is compiled with -XDstringConcat=inline: the first invokedynamic concatenation of a JVM spins method
     * handles for 10-30 ms, which start() paid for thread names.
     */
    @Test
    void theCoresClassesUseNoInvokedynamicStringConcatenation() throws IOException, URISyntaxException {
        Path classes = Path.of(Parallelized.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> concatenating;
        try (Stream<Path> all = Files.walk(classes)) {
            concatenating = all.filter(p -> p.toString().endsWith(".class")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                            .contains("makeConcatWithConstants");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(p -> classes.relativize(p).toString()).collect(Collectors.toList());
        }
        assertThat(concatenating).isEmpty();
    }
}
