package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.servlet.client.RestTestClient;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.github.parallelized.spring.ParallelizedRuns;

/**
 * The dashboard with the cluster profile, in Debian's headless Chromium: a cluster run over three members (the
 * service's and two more in this JVM) shows its progress with {@code members=3}; when one member dies mid-run the
 * run's card shows {@code members=2} and {@code resubmitted=n}, the run still completes every input, and the cluster
 * line shows the meters {@code parallelized.cluster.members} and {@code parallelized.cluster.resubmissions}; the run's
 * table of members shows the three with tasks running, then the dead one as left with its resubmitted tasks and the
 * others with every input done. A cluster
 * run's Cancel button cancels it. Saves {@code target/dashboard-cluster.png}. Skipped like {@link DashboardBrowserTest} where Chromium is missing.
 */
@ClusterSampleTest
class ClusterDashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int COUNT = 1_000;

    @LocalServerPort
    private int port;

    @Autowired
    private IsolatedCluster members;

    @Autowired
    private HazelcastInstance serviceMember;

    @Autowired
    private ParallelizedCluster cluster;

    @Autowired
    private ParallelizedRuns runs;

    @Autowired
    private RestTestClient client;

    private ChromeDriver browser;
    private HazelcastInstance second;
    private HazelcastInstance victim;

    @BeforeAll
    static void requireChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @BeforeEach
    void openBrowser(@TempDir Path profile) {
        browser = HeadlessChromium.open(profile);
    }

    @AfterEach
    void stopBrowserAndMembers() {
        if (browser != null) {
            browser.quit();
        }
        if (second != null) {
            members.closeAddedViews();
            victim.getLifecycleService().terminate();
            second.shutdown();
            // the other cluster tests share this context and expect the service's member alone
            await().atMost(WAIT).until(() -> cluster.dataMembers() == 1
                    && serviceMember.getPartitionService().isClusterSafe());
        }
    }

    @Test
    void aClusterRunShowsItsMembersAndResubmissionsAndCompletesAfterAMemberDies() throws IOException {
        second = members.addMember();
        victim = members.addMember();
        // a member takes tasks once the service's cluster view counts it and the partitions have settled
        await().atMost(WAIT).until(() -> cluster.dataMembers() == 3
                && serviceMember.getPartitionService().isClusterSafe());
        browser.get("http://localhost:" + port + "/");
        WebElement clusterLine = browser.findElement(By.id("cluster"));
        await().atMost(WAIT).until(() -> "3".equals(clusterLine.getDomAttribute("data-members")));
        assertThat(clusterLine.isDisplayed()).isTrue();
        assertThat(clusterLine.getText()).startsWith("Cluster: 3 data members, ");
        long resubmittedBefore = Math.round(Double.parseDouble(clusterLine.getDomAttribute("data-resubmissions")));

        // 1,000 tasks of 50 ms on 12 executor threads: at least 4 s, ample time to see it running on three members
        String id = start(COUNT, 50);
        By card = By.id("run-" + id);
        await().atMost(WAIT).ignoreException(NoSuchElementException.class).untilAsserted(() -> {
            WebElement run = browser.findElement(card);
            assertThat(run.findElement(By.className("desc")).getText()).isEqualTo("cluster render");
            assertThat(Long.parseLong(run.getDomAttribute("data-completed"))).isPositive();
            assertThat(postfix(run)).contains("members=3");
            // the run's table of members: the three, each with tasks of the run on it, none left
            List<WebElement> rows = members(run);
            assertThat(rows).hasSize(3).allSatisfy(row -> {
                assertThat(row.getDomAttribute("data-left")).isEqualTo("false");
                assertThat(row.findElement(By.className("address")).getText()).startsWith("127.0.0.1:");
            });
            assertThat(rows.stream().mapToLong(row -> count(row, "running")).sum()).isPositive();
        });
        screenshot("dashboard-cluster-running.png");
        String victimAddress = address(victim);

        ProgressSnapshot beforeLoss = runs.find(id).orElseThrow();
        assertThat(beforeLoss.state()).as("the run goes on when the member dies").isEqualTo(RunState.RUNNING);
        assertThat(beforeLoss.pending()).as("inputs still to run").isPositive();
        victim.getLifecycleService().terminate();

        // the tasks the dead member had are sent to the two others: every input succeeds, and the page says so
        await().atMost(WAIT).untilAsserted(() -> {
            WebElement run = browser.findElement(card);
            assertThat(run.getDomAttribute("data-state")).isEqualTo("COMPLETED");
            assertThat(run.getDomAttribute("data-completed")).isEqualTo(String.valueOf(COUNT));
            assertThat(run.findElement(By.className("counts")).getText())
                    .startsWith(COUNT + " / " + COUNT + " done: " + COUNT + " ok, 0 failed, 0 cancelled");
            List<String> postfix = postfix(run);
            assertThat(postfix).contains("members=2");
            assertThat(postfix).filteredOn(chip -> chip.startsWith("resubmitted=")).singleElement()
                    .satisfies(chip -> assertThat(Long.parseLong(chip.substring("resubmitted=".length())))
                            .isPositive());
            // the table says which member left and how many of its tasks were sent to the others; the rest did
            // every input, and nothing runs any more
            long resubmitted = Long.parseLong(postfix.stream().filter(chip -> chip.startsWith("resubmitted="))
                    .findFirst().orElseThrow().substring("resubmitted=".length()));
            List<WebElement> rows = members(run);
            assertThat(rows).hasSize(3);
            assertThat(rows).filteredOn(row -> "true".equals(row.getDomAttribute("data-left"))).singleElement()
                    .satisfies(left -> {
                        assertThat(left.getDomAttribute("data-address")).isEqualTo(victimAddress);
                        assertThat(left.findElement(By.className("address")).getText())
                                .isEqualTo(victimAddress + " (left)");
                        assertThat(count(left, "resubmissions")).isEqualTo(resubmitted);
                    });
            assertThat(rows.stream().mapToLong(row -> count(row, "completed")).sum()).isEqualTo(COUNT);
            assertThat(rows).allSatisfy(row -> assertThat(count(row, "running")).isZero());
            assertThat(clusterLine.getDomAttribute("data-members")).isEqualTo("2");
            assertThat(Math.round(Double.parseDouble(clusterLine.getDomAttribute("data-resubmissions"))))
                    .isGreaterThan(resubmittedBefore);
        });
        assertThat(clusterLine.getText()).startsWith("Cluster: 2 data members, ");
        screenshot("dashboard-cluster.png");
    }

    @Test
    void theCancelButtonCancelsAClusterRun() {
        browser.get("http://localhost:" + port + "/");
        String id = start(100_000, 100);
        By card = By.id("run-" + id);
        await().atMost(WAIT).ignoreException(NoSuchElementException.class)
                .until(() -> browser.findElement(card).findElement(By.className("cancel")).isEnabled());
        browser.findElement(card).findElement(By.className("cancel")).click();

        // nothing else cancels it: without an API for cluster runs the button's DELETE was a 404
        await().atMost(WAIT).untilAsserted(() -> {
            WebElement run = browser.findElement(card);
            assertThat(run.getDomAttribute("data-state")).isEqualTo("CANCELLED");
            assertThat(Long.parseLong(run.getDomAttribute("data-completed"))).isLessThan(100_000);
        });
    }

    /** Starts {@code count} cluster tasks of {@code millis} each over REST, as the README's curl does. */
    private String start(int count, int millis) {
        return String.valueOf(client.post().uri("/api/cluster-runs?count=" + count + "&millis=" + millis).exchange()
                .expectStatus().isCreated().returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
                }).getResponseBody().get("id"));
    }

    /** The rows of a run's table of members. */
    private static List<WebElement> members(WebElement run) {
        WebElement table = run.findElement(By.className("members"));
        assertThat(table.isDisplayed()).as("a cluster run shows its members").isTrue();
        return table.findElements(By.cssSelector("tbody tr"));
    }

    private static long count(WebElement row, String column) {
        return Long.parseLong(row.findElement(By.className(column)).getText());
    }

    private static String address(HazelcastInstance member) {
        return member.getCluster().getLocalMember().getAddress().getHost() + ":"
                + member.getCluster().getLocalMember().getAddress().getPort();
    }

    private static List<String> postfix(WebElement run) {
        return run.findElements(By.cssSelector(".postfix span")).stream().map(WebElement::getText).toList();
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, name);
    }
}
