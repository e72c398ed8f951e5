package io.github.parallelized.examples;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskLimit;

/**
 * The limits guide's per-key example. The fetch is simulated: the pages of the hot host wait until every other
 * host's page is fetched, which only happens if the hot host's waiting inputs leave the workers to the others.
 */
final class Pages {

    private final String hotHost;
    private final CountDownLatch othersFetched;
    /** Per host: the fetches running now, and the most at once. */
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

    Pages(String hotHost, int otherPages) {
        this.hotHost = hotHost;
        this.othersFetched = new CountDownLatch(otherPages);
    }

    /** Fetches every page, at most 2 at once per host and 100 a second in all. */
    Map<URI, String> fetchAll(List<URI> urls) {
        Map<URI, String> pages = new ConcurrentHashMap<>();
        // tag::limit-per-key[]
        try (Parallelized<URI, String> par = Parallelized.of(this::fetch, urls)
                .numThreads(16)
                .limitPerKey(URI::getHost, TaskLimit.concurrency(2))           // 2 at once per host
                .limit(TaskLimit.rate(100, Duration.ofSeconds(1)))             // and 100 a second in all
                .start()) {
            for (Outcome<URI, String> o : par) {
                pages.put(o.input(), o.isSuccess() ? o.result() : "failed: " + o.error());
            }
        }
        // end::limit-per-key[]
        return pages;
    }

    String fetch(URI url) throws InterruptedException {
        String host = url.getHost();
        int now = running.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        most.computeIfAbsent(host, h -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            if (host.equals(hotHost)) {
                if (!othersFetched.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other hosts were not fetched while " + host + " waited");
                }
            } else {
                othersFetched.countDown();
            }
            return "page " + url;
        } finally {
            running.get(host).decrementAndGet();
        }
    }
}
