package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's own settings ({@code sample.*}) at absurd values stop the start-up naming the property. Before, the
 * service started, then answered 500 to every io run ({@code io-threads=0}) and flaky run ({@code
 * flaky-backoff=-1s}), failed every api call with a NullPointerException ({@code api-rate=0}), refused every count
 * ({@code max-count=0}) or every run ({@code max-active-runs=0}).
 */
class SamplePropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SampleProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "sample.max-count, 0",
        "sample.max-count, -5",
        "sample.max-active-runs, 0",
        "sample.keep-failures, -1",
        "sample.io-threads, 0",
        "sample.io-threads, 10001",
        "sample.flaky-backoff, -1s",
        "sample.flaky-backoff, 36501d",
        "sample.api-rate, 0",
        "sample.api-rate, -15"})
    void anAbsurdValueStopsTheStartUpNamingTheProperty(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            Throwable cause = context.getStartupFailure();
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(property).hasMessageContaining("was " + shown(value));
        });
    }

    /** A duration as the message shows it (ISO-8601, as {@link java.time.Duration#toString()}), a number as is. */
    private static String shown(String value) {
        return Character.isLetter(value.charAt(value.length() - 1))
                ? DurationStyle.detectAndParse(value).toString() : value;
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"sample.max-count, 1", "sample.keep-failures, 0", "sample.flaky-backoff, 0s", "sample.io-threads, 1"})
    void theSmallestSensibleValuesAreTaken(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> assertThat(context).hasNotFailed());
    }
}
