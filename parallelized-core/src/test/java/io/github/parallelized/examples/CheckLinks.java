package io.github.parallelized.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;

/** The asynchronous guide's example: a thousand requests in flight, no thread waiting for any. */
final class CheckLinks {

    private CheckLinks() {
    }

    /** Status code (or -1 for a failure) per link. */
    static Map<URI, Integer> check(List<URI> uris) {
        Map<URI, Integer> statuses = new TreeMap<>();
        // tag::async-http[]
        HttpClient http = HttpClient.newHttpClient();
        try (Parallelized<URI, Integer> par = Parallelized.<URI, Integer>ofAsync(
                        uri -> http.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.discarding())
                                .thenApply(HttpResponse::statusCode), uris)
                .numThreads(1_000).retry(3, Duration.ofMillis(100)).timeout(Duration.ofSeconds(10))
                .desc("Checking links").start()) {
            for (Outcome<URI, Integer> o : par) {
                statuses.put(o.input(), o.isSuccess() ? o.result() : -1);
            }
        }
        // end::async-http[]
        return statuses;
    }
}
