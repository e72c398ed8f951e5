package io.github.parallelized.spring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's properties at values a hostile or careless configuration gives, second pass: each stops the start-up
 * naming the property, the value and what is allowed.
 */
class HostileStarterTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedLimitsAutoConfiguration.class));

    /**
     * A named limit's value that does not even convert (past an int, finer than a nanosecond) said only "allowed is
     * a valid value (see the starter's configuration metadata)"; a blank limit name was taken as a limit.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "parallelized.limits.api.concurrency=2147483648 | parallelized.limits.api.concurrency | 2147483648"
                    + " | a whole number of at least 1",
            "parallelized.limits.api.rate=99999999999 | parallelized.limits.api.rate | 99999999999"
                    + " | a whole number of at least 1 and at most 1000000",
            "parallelized.limits.api.per=PT0.0000000001S | parallelized.limits.api.per | PT0.0000000001S"
                    + " | a duration of more than zero",
            "parallelized.limits[ ].concurrency=1 | parallelized.limits | [ ] | names are not blank"})
    void aNamedLimitsValueThatCannotBeUsedIsRefusedSayingWhatIsAllowed(String setting, String property, String value,
                                                                      String allowed) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            String[] written = setting.split("=", 2);
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(
                    new MockEnvironment().withProperty(written[0], written[1])).analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property + "'").contains("'" + value + "'")
                    .contains(allowed).doesNotContain("a valid value");
            assertThat(analysis.getAction()).contains(property).contains(allowed);
        });
    }
}
