package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Drives the dashboard in Debian's headless Chromium: starts a run from the form, sees its bar advance, cancels
 * it with its button and sees it shown as cancelled; saves a screenshot to {@code target/dashboard.png}.
 * Skipped where Chromium is not installed, except on CI ({@code CI=true}), where that is a failure
 * ({@link HeadlessChromium}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.demo.enabled=false", "parallelized.metrics.retention=10m",
                // Selenium warns that it has no CDP binding for this Chromium; the test does not use CDP
                "logging.level.org.openqa.selenium.devtools=error"})
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    private int port;

    @Autowired
    private RunService service;

    private ChromeDriver browser;

    @BeforeAll
    static void requireChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @BeforeEach
    void openBrowser(@TempDir Path profile) {
        browser = HeadlessChromium.open(profile);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void startsARunFromTheFormWatchsItAdvanceAndCancelsIt() throws IOException {
        // two runs beside the one under test, so the page (and its screenshot) shows finished and failing bars too
        String done = service.start(new RunRequest("cpu", 400, "thumbnails", null, 50, null, null, null)).id();
        String flaky = service.start(new RunRequest("flaky", 40, "payment webhooks", null, null, null, 0.5, 2)).id();
        await().atMost(WAIT).until(() -> service.find(done).orElseThrow().summary() != null
                && service.find(flaky).orElseThrow().summary() != null);

        browser.get("http://localhost:" + port + "/");
        new Select(browser.findElement(By.id("kind"))).selectByValue("io");
        type("count", "600");
        type("threads", "2");
        type("desc", "price lookups");
        browser.findElement(By.id("start")).click();

        WebElement message = browser.findElement(By.id("form-message"));
        await().atMost(WAIT).until(() -> message.getDomAttribute("data-run-id") != null);
        String id = message.getDomAttribute("data-run-id");
        assertThat(message.getText()).isEqualTo("Started run #" + id + " (price lookups)");

        // the bar advances: its count grows between two refreshes
        By card = By.id("run-" + id);
        await().atMost(WAIT).until(() -> completed(card) > 0);
        long first = completed(card);
        await().atMost(WAIT).until(() -> completed(card) > first);
        WebElement run = browser.findElement(card);
        assertThat(run.findElement(By.className("desc")).getText()).isEqualTo("price lookups");
        assertThat(run.findElement(By.className("state")).getText()).isEqualTo("RUNNING");
        assertThat(run.findElement(By.className("percent")).getText()).endsWith("%");
        // a local run has no cluster members to show
        assertThat(run.findElement(By.className("members")).isDisplayed()).isFalse();
        screenshot("dashboard-running.png");

        run.findElement(By.className("cancel")).click();

        AtomicLong cancelled = new AtomicLong();
        await().atMost(WAIT).untilAsserted(() -> {
            WebElement now = browser.findElement(card);
            assertThat(now.getDomAttribute("data-state")).isEqualTo("CANCELLED");
            assertThat(now.findElement(By.className("state")).getText()).isEqualTo("CANCELLED");
            assertThat(now.findElement(By.className("cancel")).isEnabled()).isFalse();
            // a cancel reads the source no further: fewer than the 600 inputs become outcomes
            assertThat(Long.parseLong(now.getDomAttribute("data-completed"))).isLessThan(600);
            cancelled.set(service.find(id).orElseThrow().cancelled());
        });
        assertThat(cancelled.get()).isPositive();
        assertThat(browser.findElement(By.id("run-" + done)).getDomAttribute("data-state")).isEqualTo("COMPLETED");
        // without the cluster profile there are no cluster meters, and no cluster line
        assertThat(browser.findElement(By.id("cluster")).isDisplayed()).isFalse();
        screenshot("dashboard.png");
    }

    @Test
    void anApiRunsCardShowsHowManyTasksWaitForItsLimit() {
        String api = service.start(new RunRequest("api", 30, "geocoding", null, null, null, null, null)).id();
        String cpu = service.start(new RunRequest("cpu", 10, "hashes", null, 10, null, null, null)).id();
        browser.get("http://localhost:" + port + "/");
        // the cards appear at the page's first refresh
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement card = browser.findElement(By.id("run-" + api));
            assertThat(card.getDomAttribute("data-waiting")).matches("\\d+");
            assertThat(card.findElement(By.className("waiting")).getText()).matches("\\d+ waiting for limit api");
            WebElement other = browser.findElement(By.id("run-" + cpu));
            assertThat(other.getDomAttribute("data-waiting")).isEmpty();
            assertThat(other.findElement(By.className("waiting")).getText()).isEmpty();
        });
        service.cancel(api);
    }

    private void type(String field, String text) {
        WebElement input = browser.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
    }

    private long completed(By card) {
        var found = browser.findElements(card);
        return found.isEmpty() ? 0 : Long.parseLong(found.get(0).getDomAttribute("data-completed"));
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, name);
    }
}
