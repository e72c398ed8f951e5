package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrowserAvailabilityTest {

    @Test
    void runsWhenChromiumIsInstalled() {
        assertThat(HeadlessChromium.whyNotRun(true, null)).isNull();
        assertThat(HeadlessChromium.whyNotRun(true, "true")).isNull();
    }

    @Test
    void skipsWithInstallAdviceWhenChromiumIsMissingOutsideCi() {
        assertThat(HeadlessChromium.whyNotRun(false, null))
                .contains("/usr/bin/chromium", "apt-get install -y chromium chromium-driver");
        assertThat(HeadlessChromium.whyNotRun(false, "false")).startsWith("Browser test skipped");
    }

    @Test
    void failsWhenChromiumIsMissingOnCi() {
        assertThatThrownBy(() -> HeadlessChromium.whyNotRun(false, "true"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CI=true");
    }
}
