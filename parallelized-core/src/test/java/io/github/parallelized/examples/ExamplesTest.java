package io.github.parallelized.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;
import io.github.parallelized.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Runs the examples that the README and the guides show (DocSnippetsTest checks that they show exactly these),
 * from a package of their own: they see only the public API, as a user does.
 */
class ExamplesTest {

    @Test
    void theQuickStartRendersEveryJob() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Render.main(new String[0]);
        } finally {
            System.setOut(out);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("done: a.png rendered", "done: b.png rendered", "done: c.png rendered");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCancelledRunHandsBackTheRest() {
        List<Object> both = Remaining.cancelEarly();
        List<Outcome<Integer, Integer>> outcomes = (List<Outcome<Integer, Integer>>) both.get(0);
        List<Integer> rest = (List<Integer>) both.get(1);
        assertThat(outcomes.size() + rest.size()).as("outcomes plus remaining() are the inputs").isEqualTo(1_000_000);
        assertThat(rest).isSorted();
    }

    @Test
    void theAsynchronousExampleChecksLinksOnALoopbackServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<URI> uris = IntStream.range(0, 50)
                    .mapToObj(i -> URI.create(base + (i % 10 == 0 ? "/missing/" + i : "/page/" + i)))
                    .collect(Collectors.toList());
            Map<URI, Integer> statuses = CheckLinks.check(uris);
            assertThat(statuses).hasSize(50);
            assertThat(statuses.values().stream().filter(s -> s == 404).count()).isEqualTo(5);
            assertThat(statuses.values().stream().filter(s -> s == 200).count()).isEqualTo(45);
        } finally {
            server.stop(0);
        }
    }
}
