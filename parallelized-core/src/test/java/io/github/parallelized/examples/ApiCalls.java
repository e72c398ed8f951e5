package io.github.parallelized.examples;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.parallelized.Errors;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.RetryAfter;
import io.github.parallelized.RetryPolicy;
import io.github.parallelized.TaskFunction;
import io.github.parallelized.TaskLimit;

/** The limits guide's 429 example, end to end: per-key limits, a retry policy, and the server's Retry-After. */
final class ApiCalls {

    private ApiCalls() {
    }

    // tag::api-types[]
    /** One call to the API, made with one API key: the quota it counts against. */
    record Job(String apiKey, HttpRequest request) {
    }

    /** A 429 (or 503) with its Retry-After, in seconds. */
    static final class TooManyRequests extends IOException implements RetryAfter {
        private final Duration retryAfter;

        TooManyRequests(HttpResponse<?> response) {
            super("HTTP " + response.statusCode() + " from " + response.uri());
            this.retryAfter = response.headers().firstValue("Retry-After")
                    .filter(s -> s.matches("\\d{1,9}"))
                    .map(s -> Duration.ofSeconds(Long.parseLong(s)))
                    .orElse(null);                          // an HTTP-date or no header: the policy's delay
        }

        @Override
        public Duration retryAfter() {
            return retryAfter;
        }
    }
    // end::api-types[]

    /** Calls the API for every job; the bodies of the answers, in completion order. */
    static List<String> callAll(List<Job> jobs) {
        // tag::api-429[]
        HttpClient http = HttpClient.newHttpClient();
        TaskFunction<Job, String> call = job -> {
            HttpResponse<String> response = http.send(job.request(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429 || response.statusCode() == 503) {
                throw new TooManyRequests(response);
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + response.uri());
            }
            return response.body();
        };

        // tag::api-429-limits[]
        TaskLimit perKey = TaskLimit.concurrency(8).and(TaskLimit.rate(20, Duration.ofSeconds(1)));
        RetryPolicy policy = RetryPolicy.exponential(6, Duration.ofMillis(250), Duration.ofSeconds(8)).withJitter(0.2)
                .retryOn(error -> error instanceof TooManyRequests || error instanceof ConnectException);
        // end::api-429-limits[]

        List<String> bodies = new ArrayList<>();
        try (Parallelized<Job, String> par = Parallelized.of(call, jobs)
                .numThreads(32)
                .limitPerKey(Job::apiKey, perKey)
                .retry(policy)
                .desc("Calling the API")
                .start()) {
            for (Outcome<Job, String> o : par) {
                if (o.isSuccess()) {
                    bodies.add(o.result());
                } else {
                    System.err.println(o.input() + " failed after " + o.attempts() + " attempts: "
                            + Errors.describe(o.error(), false));
                }
            }
        }
        // end::api-429[]
        return bodies;
    }
}
