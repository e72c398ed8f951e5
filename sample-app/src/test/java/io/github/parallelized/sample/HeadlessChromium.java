package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through its chromedriver, for the dashboard's browser tests. They are skipped
 * where Chromium is not installed, except on CI ({@code CI=true}), where that is a failure: {@code .ci/run}
 * installs it.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "apt-get install -y chromium chromium-driver";

    private HeadlessChromium() {
    }

    /** Skips the calling test class (from {@code @BeforeAll}) where the browser test cannot run. */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String whyNot = whyNotRun(installed, System.getenv("CI"));
        assumeTrue(whyNot == null, whyNot);
    }

    /**
     * Decides whether the browser test can run.
     *
     * @param installed whether Chromium and its driver are installed
     * @param ci        the value of the environment variable {@code CI}, may be null
     * @return null to run, else why the test is skipped
     * @throws AssertionError on CI without Chromium, where {@code .ci/run} should have installed it
     */
    static String whyNotRun(boolean installed, String ci) {
        if (installed) {
            return null;
        }
        if ("true".equalsIgnoreCase(ci)) {
            fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing; .ci/run installs them with: "
                    + INSTALL);
        }
        return "Browser test skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed. Install them with: "
                + INSTALL;
    }

    /**
     * Starts a browser (headless --dump-dom crashes here; chromedriver works).
     *
     * @param profile a fresh directory for the browser's profile
     * @return the browser; the caller quits it
     */
    static ChromeDriver open(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1100,820", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(driverService, options);
    }

    /**
     * Saves what the browser shows to {@code target/<name>}, for people to look at.
     *
     * @param browser the browser
     * @param name    the file's name
     * @throws IOException if the file cannot be written
     */
    static void screenshot(ChromeDriver browser, String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
