package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard in {@code docs/grafana} against a real {@code /actuator/prometheus} of the sample while
 * a run goes on: every metric its queries name must be there, and no data source may be hard-coded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.demo.enabled=false")
@AutoConfigureRestTestClient
@AutoConfigureMetrics
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("..", "docs", "grafana", "parallelized.json");
    private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final String CLUSTER_METRICS = "parallelized_cluster_";

    @Autowired
    private RunService service;

    @Autowired
    private RestTestClient client;

    /** The metrics the dashboard's queries name; those of the cluster panels when {@code cluster}, else the others. */
    static Set<String> metricsQueried(boolean cluster) throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        Set<String> metrics = new TreeSet<>();
        for (String query : queries) {
            Matcher matcher = METRIC.matcher(query);
            while (matcher.find()) {
                if (matcher.group(1).startsWith(CLUSTER_METRICS) == cluster) {
                    metrics.add(matcher.group(1));
                }
            }
        }
        return metrics;
    }

    /** Scrapes {@code /actuator/prometheus}. */
    static String scrape(RestTestClient client) {
        return client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().returnResult(String.class)
                .getResponseBody();
    }

    /** The names of a scrape's series. */
    static Set<String> series(String scrape) {
        Set<String> series = new TreeSet<>();
        scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> series.add(line.split("[{ ]", 2)[0]));
        return series;
    }

    @Test
    void everyMetricTheDashboardQueriesIsScrapedDuringARun() throws IOException {
        Set<String> metrics = metricsQueried(false);
        assertThat(metrics).contains("parallelized_tasks", "parallelized_progress", "parallelized_batches_active",
                "parallelized_task_duration_seconds_count", "parallelized_task_duration_seconds_bucket",
                "executor_active_threads", "executor_pool_max_threads", "parallelized_limit_waiting",
                "parallelized_limit_permits");
        // the cluster panels' metrics exist with the cluster only: ClusterRunsTest scrapes them
        assertThat(metricsQueried(true)).containsExactly("parallelized_cluster_members",
                "parallelized_cluster_resubmissions_total");

        // a run that goes on while the registry is scraped, one that failed, one that ran on the shared pool
        RunView going = service.start(new RunRequest("io", 100, "grafana going", 1, null, 10_000, null, null));
        service.start(new RunRequest("flaky", 4, "grafana flaky", null, null, null, 1.0, 1));
        service.start(new RunRequest("cpu", 4, "grafana cpu", null, 10, null, null, null));
        try {
            await("every metric of the dashboard in a scrape during runs").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> {
                        String scrape = scrape(client);
                        assertThat(series(scrape)).as("series of /actuator/prometheus").containsAll(metrics);
                        assertThat(scrape).contains("parallelized_task_duration_seconds_count{batch=\"grafana flaky\","
                                + "outcome=\"failure\"}");
                });
        } finally {
            service.cancel(going.id());
        }
    }

    @Test
    void theDataSourceIsAVariableAndBatchesCanBeChosen() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variable -> variables.add(variable.path("name").asString()
                + ":" + variable.path("type").asString()));
        assertThat(variables).contains("datasource:datasource", "batch:query");
        List<JsonNode> sources = new ArrayList<>();
        collect(dashboard, "datasource", sources);
        assertThat(sources).isNotEmpty().allSatisfy(source -> {
            if (source.isObject()) {
                assertThat(source.path("uid").asString()).isEqualTo("${datasource}");
            }
        });
        assertThat(dashboard.path("panels")).extracting(panel -> panel.path("title").asString())
                .contains("Progress by batch", "Tasks by state", "Task rate", "Failure rate", "Task time p50 / p95",
                        "Active runs", "Shared pool in use", "Cluster members", "Cluster resubmissions",
                        "Tasks waiting for a limit", "Limit permits");
    }

    private static void collectQueries(JsonNode node, List<String> into) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                String key = entry.getKey();
                JsonNode value = entry.getValue();
                if (value.isString() && (key.equals("expr") || key.equals("definition") || key.equals("query"))) {
                    into.add(value.asString());
                } else {
                    collectQueries(value, into);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectQueries(child, into));
        }
    }

    private static void collect(JsonNode node, String name, List<JsonNode> into) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                if (entry.getKey().equals(name)) {
                    into.add(entry.getValue());
                }
                collect(entry.getValue(), name, into);
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, name, into));
        }
    }

}
