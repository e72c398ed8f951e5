package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.parallelized.CheckpointStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The service as it is run and stopped: its own {@code application.yml}, in a JVM of its own, ended by SIGTERM
 * (what {@code kill}, Docker and Kubernetes send) while a run is going on. The run gets
 * {@code parallelized.shutdown.await-termination}, is then cancelled by the starter, and its checkpoint holds
 * every success it reported. Before, H2 closed the database in its own JVM shutdown hook, at the same time as
 * Spring began its graceful shutdown: the run failed at once ("the checkpoint store ... failed to record ...:
 * Database is already closed"), with no grace and successes left unrecorded.
 */
class TerminatedWithRunsInFlightTest {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Pattern CANCELLED = Pattern.compile("cancelled at shutdown: (\\d+) succeeded");

    @TempDir
    Path dir;

    @Test
    void aSigtermGivesARunningRunItsGraceAndItsCheckpointKeepsEverySuccess() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path output = dir.resolve("service.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the working directory is the temp dir: application.yml's H2 file (./target/sample-data) lands there
        Process service = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                SampleApplication.class.getName(), "--server.port=" + port, "--sample.demo.enabled=false",
                "--parallelized.shutdown.await-termination=1s", "--spring.main.banner-mode=off")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            await("the service started").atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(service.isAlive()).as("the service ended: %s", read(output)).isTrue();
                return read(output).contains("Started SampleApplication");
            });
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port + "/api/runs";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"io\",\"count\":5000,\"latencyMs\":1000}"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = field(created.body(), "id");
            String checkpoint = field(created.body(), "checkpoint");
            await("the run's first successes").atMost(BOUND).until(() -> Integer.parseInt(field(http.send(
                    HttpRequest.newBuilder(URI.create(base + "/" + id)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), "succeeded")) > 0);

            service.destroy(); // SIGTERM
            assertThat(service.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the service stopped").isTrue();
            String log = read(output);
            assertThat(log).as(log).doesNotContain("Database is already closed").doesNotContain("failed to record")
                    .contains("cancelling it, still going after 1s of shutdown");
            Matcher cancelled = CANCELLED.matcher(log);
            assertThat(cancelled.find()).as(log).isTrue();
            long succeeded = Long.parseLong(cancelled.group(1));

            DriverManagerDataSource database = new DriverManagerDataSource(
                    "jdbc:h2:file:" + dir.resolve("target/sample-data/checkpoints"), "sa", "");
            assertThat(CheckpointStore.jdbc(database).succeeded(checkpoint))
                    .as("successes recorded in the checkpoint").isEqualTo(succeeded);
        } finally {
            service.destroyForcibly();
            service.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String read(Path output) throws IOException {
        return Files.readString(output);
    }

    /** A top-level scalar of the run's JSON view (a string or a number). */
    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertThat(matcher.find()).as("%s in %s", name, json).isTrue();
        return matcher.group(1);
    }
}
