package io.github.parallelized.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.RetryPolicy;
import org.junit.jupiter.api.Test;

/**
 * Runs the examples of docs/limits.md (DocSnippetsTest checks that the guide shows exactly these) and checks what
 * the guide says of them. Time is only ever checked as a lower bound: a limit or a Retry-After makes a task wait
 * at least so long.
 */
class LimitsExamplesTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aConcurrencyAndARateTogetherHoldEveryTaskOfTheRun() {
        Prompts prompts = new Prompts();
        List<String> inputs = IntStream.range(0, 25).mapToObj(i -> "prompt " + i).collect(Collectors.toList());
        long before = System.nanoTime();
        Map<String, String> answers = prompts.completeAll(inputs);

        assertThat(answers).hasSize(25).containsEntry("prompt 7", "answer to prompt 7");
        assertThat(prompts.api).hasToString("TaskLimit[concurrency 8 and rate 20 per 1.0 s]");
        assertThat(prompts.most.get()).as("tasks at once").isBetween(1, 8);
        List<Long> starts = prompts.starts.stream().sorted().collect(Collectors.toList());
        assertThat(starts).hasSize(25);
        assertThat(starts.get(20) - before).as("the 21st start waits for the window of the first")
                .isGreaterThanOrEqualTo(SECOND);
        assertThat(prompts.api.inUse()).isZero();
    }

    @Test
    void aHotHostWaitsOffTheWorkersWhileTheOtherHostsAreFetched() {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            urls.add(URI.create("https://hot.example/page/" + i));
        }
        for (int h = 0; h < 7; h++) {
            urls.add(URI.create("https://host" + h + ".example/"));
        }
        Pages pages = new Pages("hot.example", 7);
        Map<URI, String> fetched = pages.fetchAll(urls);

        assertThat(fetched).hasSize(67).allSatisfy((url, page) -> assertThat(page).isEqualTo("page " + url));
        assertThat(pages.most.get("hot.example").get()).as("hot host at once").isBetween(1, 2);
        assertThat(pages.most).allSatisfy((host, most) -> assertThat(most.get()).as(host).isBetween(1, 2));
    }

    @Test
    void theRetryPolicyBacksOffExponentiallyAndRetriesOnlyIoErrors() {
        RetryPolicy policy = Retries.onIoErrors();
        assertThat(policy.toString())
                .startsWith("RetryPolicy[6 attempts, exponential 200.0 ms..10.0 s, jitter 0.2, retryOn");
        Map<String, Queue<Long>> attempts = new ConcurrentHashMap<>();
        List<Outcome<String, String>> outcomes = new ArrayList<>();
        try (Parallelized<String, String> par = Parallelized.of((String input) -> {
            Queue<Long> mine = attempts.computeIfAbsent(input, k -> new ConcurrentLinkedQueue<>());
            mine.add(System.nanoTime());
            if (input.equals("flaky") && mine.size() < 3) {
                throw new IOException("connection reset");
            }
            if (input.equals("broken")) {
                throw new IllegalStateException("a bug, not a network error");
            }
            return input;
        }, List.of("flaky", "broken", "fine")).numThreads(2).retry(policy).progress(ProgressReporter.none())
                .start()) {
            par.forEach(outcomes::add);
        }

        Map<String, Outcome<String, String>> byInput = new HashMap<>();
        outcomes.forEach(o -> byInput.put(o.input(), o));
        assertThat(byInput.get("fine").attempts()).isEqualTo(1);
        assertThat(byInput.get("broken").attempts()).as("an IllegalStateException is not retried").isEqualTo(1);
        assertThat(byInput.get("broken").error()).isInstanceOf(IllegalStateException.class);
        Outcome<String, String> flaky = byInput.get("flaky");
        assertThat(flaky.isSuccess()).isTrue();
        assertThat(flaky.attempts()).isEqualTo(3);
        List<Long> times = new ArrayList<>(attempts.get("flaky"));
        assertThat(times.get(1) - times.get(0)).as("first wait: 200 ms less 20 % at most")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(160));
        assertThat(times.get(2) - times.get(1)).as("second wait: twice as long, 400 ms less 20 % at most")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(320));
    }

    @Test
    void the429ExampleKeepsToTheQuotaAndWaitsWhatRetryAfterSays() throws Exception {
        Api api = new Api();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService handlers = Executors.newFixedThreadPool(20);
        server.setExecutor(handlers);
        server.createContext("/", api::handle);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<ApiCalls.Job> jobs = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                for (String key : List.of("a", "b")) {
                    jobs.add(new ApiCalls.Job(key, HttpRequest.newBuilder(URI.create(base + "/" + key + "/" + i))
                            .timeout(Duration.ofSeconds(10)).build()));
                }
            }

            List<String> bodies = ApiCalls.callAll(jobs);

            assertThat(bodies).as("every job succeeds").hasSize(30).doesNotHaveDuplicates()
                    .allSatisfy(body -> assertThat(body).startsWith("done /"));
            Map<String, List<Api.Call>> calls = api.callsByPath();
            assertThat(calls).hasSize(30);
            assertThat(calls.get("/a/" + api.firstOfA)).as("the first call of key a, in the other client's second")
                    .first().extracting(Api.Call::status).isEqualTo(429);
            calls.forEach((path, list) -> {
                assertThat(list.get(list.size() - 1).status()).as(path + " ends with a 200").isEqualTo(200);
                if (path.startsWith("/b/")) {
                    assertThat(list).as(path + ": key b is never refused").hasSize(1);
                } else {
                    assertThat(list).as(path + ": refused only while the other client's quota lasted")
                            .hasSizeBetween(1, 2);
                }
                for (int i = 0; i + 1 < list.size(); i++) {
                    Api.Call refused = list.get(i);
                    assertThat(list.get(i + 1).arrived() - refused.arrived())
                            .as(path + ": the retry waited at least the Retry-After of its 429")
                            .isGreaterThanOrEqualTo(refused.retryAfterSeconds() * SECOND);
                }
            });
            assertThat(api.mostOpen).allSatisfy((key, most) -> assertThat(most.get()).as(key).isBetween(1, 8));
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    /**
     * A simulated API with a quota per key of 20 calls a second and 8 open at once, answering 429 with
     * Retry-After in seconds past it. Another client has used the whole quota of key {@code a} for one second from
     * the first call of {@code a} this client makes.
     */
    static final class Api {

        record Call(long arrived, int status, long retryAfterSeconds) {
        }

        private final Map<String, List<Call>> calls = new HashMap<>();
        private final Map<String, Deque<Long>> accepted = new HashMap<>();
        private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> mostOpen = new ConcurrentHashMap<>();
        private long otherClientUntil;
        volatile String firstOfA;

        void handle(HttpExchange exchange) throws IOException {
            try {
                String path = exchange.getRequestURI().getPath();
                String key = path.split("/")[1];
                AtomicInteger openNow = open.computeIfAbsent(key, k -> new AtomicInteger());
                int opened = openNow.incrementAndGet();
                mostOpen.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(opened, Math::max);
                Call call;
                try {
                    call = decide(path, key, opened);
                    if (call.status() == 200) {
                        Thread.sleep(20);                 // the work: the call stays open a while
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } finally {
                    openNow.decrementAndGet();            // before the answer: the client's permit outlasts it
                }
                if (call.status() == 429) {
                    exchange.getResponseHeaders().set("Retry-After", Long.toString(call.retryAfterSeconds()));
                    exchange.sendResponseHeaders(429, -1);
                } else {
                    byte[] body = ("done " + path).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } finally {
                exchange.close();
            }
        }

        private synchronized Call decide(String path, String key, int opened) {
            long now = System.nanoTime();
            if (key.equals("a") && firstOfA == null) {
                firstOfA = path.substring(3);
                otherClientUntil = now + SECOND;
            }
            Deque<Long> window = accepted.computeIfAbsent(key, k -> new ArrayDeque<>());
            while (!window.isEmpty() && window.peekFirst() <= now - SECOND) {
                window.pollFirst();
            }
            Call call;
            if (key.equals("a") && now < otherClientUntil) {
                call = new Call(now, 429, seconds(otherClientUntil - now));
            } else if (window.size() >= 20) {
                call = new Call(now, 429, seconds(window.peekFirst() + SECOND - now));
            } else if (opened > 8) {
                call = new Call(now, 429, 1);
            } else {
                window.addLast(now);
                call = new Call(now, 200, 0);
            }
            calls.computeIfAbsent(path, p -> new ArrayList<>()).add(call);
            return call;
        }

        /** Whole seconds, rounded up: a Retry-After never earlier than the quota allows. */
        private static long seconds(long nanos) {
            return Math.max(1, (nanos + SECOND - 1) / SECOND);
        }

        synchronized Map<String, List<Call>> callsByPath() {
            Map<String, List<Call>> copy = new HashMap<>();
            calls.forEach((path, list) -> copy.put(path, List.copyOf(list)));
            return copy;
        }
    }
}
