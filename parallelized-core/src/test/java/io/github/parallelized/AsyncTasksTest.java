package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Runs of an {@link AsyncTaskFunction}: tasks in flight without a thread each, and the contract of a blocking run. */
class AsyncTasksTest extends AsyncTestSupport {

    AsyncTasksTest() {
        super(2);
    }

    @Test
    void keepsNumThreadsTasksInFlightWithAFewThreads() {
        int inFlight = 300;
        List<CompletableFuture<Integer>> started = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        AsyncTaskFunction<Integer, Integer> task = i -> {
            callers.add(Thread.currentThread());
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            CompletableFuture<Integer> future = new CompletableFuture<>();
            started.add(future);
            if (started.size() == inFlight) {
                // only now, with every place taken, do the answers come: a run holding a thread per task would hang
                completer.execute(() -> new ArrayList<>(started).forEach(f -> {
                    running.decrementAndGet();
                    f.complete(-1);
                }));
            }
            return future.thenApply(ignored -> i * 2);
        };
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(inFlight))
                .numThreads(inFlight));
        assertThat(outcomes).hasSize(inFlight).allMatch(Outcome::isSuccess);
        assertThat(outcomes.stream().map(o -> o.result() - 2 * o.input())).containsOnly(0);
        assertThat(most.get()).isEqualTo(inFlight);
        assertThat(callers.size()).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void neverHasMoreThanNumThreadsInFlight() {
        AtomicInteger most = new AtomicInteger();
        AsyncTaskFunction<Integer, Integer> task = countingInFlight(most);
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(20_000)).numThreads(7));
        assertThat(outcomes).hasSize(20_000).allMatch(Outcome::isSuccess);
        assertThat(outcomes.stream().map(Outcome::input).collect(Collectors.toSet())).hasSize(20_000);
        assertThat(most.get()).isBetween(1, 7);
    }

    @Test
    void everyKindOfFailureBecomesItsInputsOutcome() {
        IOException thrown = new IOException("refused");
        IllegalStateException failed = new IllegalStateException("stage failed");
        AssertionError error = new AssertionError("an Error");
        AsyncTaskFunction<String, String> task = kind -> {
            switch (kind) {
                case "throws": throw thrown;
                case "null": return null;
                case "fails": return CompletableFuture.failedFuture(failed);
                case "wrapped": return later(() -> "x").thenApply(x -> {
                    throw new CompletionException(failed);
                });
                case "error": return later(() -> {
                    throw error;
                });
                case "null result": return CompletableFuture.completedFuture(null);
                default: return later(() -> "ok " + kind);
            }
        };
        Map<String, Outcome<String, String>> byInput = runAll(Parallelized.ofAsync(task,
                List.of("throws", "null", "fails", "wrapped", "error", "null result", "a")))
                .stream().collect(Collectors.toMap(Outcome::input, Function.identity()));
        assertThat(byInput.get("throws").error()).isSameAs(thrown);
        assertThat(byInput.get("null").error()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null instead of a CompletionStage");
        assertThat(byInput.get("fails").error()).isSameAs(failed);
        assertThat(byInput.get("wrapped").error()).isSameAs(failed);
        assertThat(byInput.get("error").error()).isSameAs(error);
        assertThat(byInput.get("null result").isSuccess()).isTrue();
        assertThat(byInput.get("null result").result()).isNull();
        assertThat(byInput.get("a").result()).isEqualTo("ok a");
        assertThat(byInput.values()).allMatch(o -> o.attempts() == 1);
    }

    @Test
    void retriesStartAgainOnALoopAfterTheBackoff() {
        Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
        Set<String> retryThreads = ConcurrentHashMap.newKeySet();
        AsyncTaskFunction<Integer, Integer> task = i -> {
            int attempt = tries.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            if (attempt > 1) {
                retryThreads.add(Thread.currentThread().getName());
            }
            return attempt < 3 ? later(() -> {
                throw new IOException("try " + attempt);
            }) : later(() -> i);
        };
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(200))
                .retry(3, Duration.ofMillis(1)).threadNamePrefix("async-loop-"));
        assertThat(outcomes).hasSize(200).allMatch(Outcome::isSuccess).allMatch(o -> o.attempts() == 3);
        assertThat(retryThreads).allMatch(name -> name.startsWith("async-loop-"));

        List<Outcome<Integer, Integer>> notRetried = runAll(Parallelized.ofAsync(task, List.of(1000, 1001))
                .retry(5, Duration.ZERO, e -> !(e instanceof IOException)));
        assertThat(notRetried).allMatch(o -> o.error() instanceof IOException && o.attempts() == 1);
    }

    @Test
    void aStageThatFailsAtOnceIsRetriedWithoutGrowingTheStack() {
        AtomicInteger calls = new AtomicInteger();
        AsyncTaskFunction<Integer, Integer> task = i -> calls.incrementAndGet() % 5_000 == 0
                ? CompletableFuture.completedFuture(i)
                : CompletableFuture.failedFuture(new IOException("again"));
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, List.of(1))
                .retry(10_000, Duration.ZERO));
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.isSuccess()).isTrue();
            assertThat(o.attempts()).isEqualTo(5_000);
        });
    }

    @Test
    void aTimeoutEndsTheAttemptAtItsDeadlineAndCancelsItsStage() {
        List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();
        AsyncTaskFunction<String, String> task = s -> {
            if (s.equals("fast")) {
                return CompletableFuture.completedFuture("done");
            }
            CompletableFuture<String> never = new CompletableFuture<>();
            stages.add(never);
            return never;
        };
        Map<String, Outcome<String, String>> byInput = runAll(Parallelized.ofAsync(task, List.of("slow", "fast"))
                .timeout(Duration.ofMillis(50)).retry(2, Duration.ZERO))
                .stream().collect(Collectors.toMap(Outcome::input, Function.identity()));
        assertThat(byInput.get("slow").error()).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("timed out after");
        assertThat(byInput.get("slow").attempts()).isEqualTo(2);
        assertThat(byInput.get("fast").result()).isEqualTo("done");
        assertThat(stages.stream().filter(f -> !f.isDone())).isEmpty();
        assertThat(stages.stream().filter(CompletableFuture::isCancelled)).hasSize(2);
    }

    @RepeatedTest(20)
    void cancelEndsTheTasksInFlightAtOnceAndEveryInputIsAccountedFor() {
        int total = 5_000;
        int inFlight = 100;
        ConcurrentLinkedQueue<CompletableFuture<Integer>> stages = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        AsyncTaskFunction<Integer, Integer> task = i -> {
            calls.incrementAndGet();
            CompletableFuture<Integer> future = new CompletableFuture<>();
            stages.add(future);
            if (i % 3 == 0) {
                completer.execute(() -> future.complete(i)); // some end, most stay in flight until the cancel
            }
            return future;
        };
        assertTimeoutPreemptively(BOUND, () -> {
            List<Integer> seen = new ArrayList<>();
            int cancelled = 0;
            int beforeStart = 0;
            int outcomes = 0;
            Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(total)).numThreads(inFlight)
                    .progress(ProgressReporter.none()).start();
            try (run) {
                for (Outcome<Integer, Integer> outcome : run) {
                    seen.add(outcome.input());
                    outcomes++;
                    if (outcome.isCancelled()) {
                        cancelled++;
                        // a loop takes its place among the tasks in flight before an input: only an input a loop
                        // had taken when the stop came is cancelled before it started, the others go back
                        if (outcome.error().getMessage().equals("cancelled before it started")) {
                            beforeStart++;
                        } else {
                            assertThat(outcome.error()).hasMessage("cancelled while running");
                        }
                    }
                    if (seen.size() == 30) {
                        run.cancel();
                    }
                }
                Iterator<Integer> rest = run.remaining();
                rest.forEachRemaining(seen::add);
                assertThat(seen).hasSize(total).doesNotHaveDuplicates();
                assertThat(cancelled).as("cancelled, %d of them before they started, %d calls", beforeStart,
                        calls.get()).isBetween(1, inFlight + Runtime.getRuntime().availableProcessors());
                assertThat(beforeStart).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
                // a stage that apply was still returning when the stop came is cancelled by its loop right after
                awaitAllDone(stages);
                Summary summary = run.summary();
                assertThat(summary.cancelled()).isEqualTo(cancelled);
                assertThat(summary.succeeded() + summary.cancelled() + summary.failed()).isEqualTo(outcomes);
            }
        });
    }

    private static void awaitAllDone(java.util.Collection<? extends CompletableFuture<?>> stages)
            throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (stages.stream().anyMatch(f -> !f.isDone()) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(stages.stream().filter(f -> !f.isDone())).isEmpty();
    }

    @RepeatedTest(10)
    void aCancelEndsTheInputsWaitingForARetryAtOnce() {
        int total = 2_000;
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch manyFailed = new CountDownLatch(50); // of the 100 in flight, all to wait 10 minutes
        AsyncTaskFunction<Integer, Integer> task = i -> {
            calls.incrementAndGet();
            return later(() -> {
                manyFailed.countDown();
                throw new IOException("refused " + i);
            });
        };
        assertTimeoutPreemptively(BOUND, () -> {
            Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(total)).numThreads(100)
                    .retry(3, Duration.ofMinutes(10)).progress(ProgressReporter.none()).start();
            try (run) {
                Thread canceller = cancelWhen(manyFailed, run);
                List<Outcome<Integer, Integer>> outcomes = run.stream().collect(Collectors.toList());
                Bounded.join(canceller);
                List<Integer> rest = new ArrayList<>();
                run.remaining().forEachRemaining(rest::add);
                assertThat(outcomes.size() + rest.size()).isEqualTo(total);
                assertThat(outcomes).allMatch(Outcome::isCancelled);
                assertThat(outcomes.stream().filter(o -> o.error().getCause() instanceof IOException))
                        .isNotEmpty().allMatch(o -> o.attempts() == 1);
            }
        });
    }

    @Test
    void closeWithoutReadingReturnsAtOnceAndCancelsTheStagesInFlight() {
        ConcurrentLinkedQueue<CompletableFuture<Integer>> stages = new ConcurrentLinkedQueue<>();
        CountDownLatch allStarted = new CountDownLatch(50);
        AsyncTaskFunction<Integer, Integer> task = i -> {
            CompletableFuture<Integer> never = new CompletableFuture<>();
            stages.add(never);
            allStarted.countDown();
            return never;
        };
        assertTimeoutPreemptively(BOUND, () -> {
            Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(1_000)).numThreads(50)
                    .progress(ProgressReporter.none()).start();
            Bounded.await(allStarted);
            run.close();
            // cancelled on a thread of the run's (a cancel runs the future's dependents: close() does not wait)
            awaitAllDone(stages);
            assertThat(stages).hasSize(50).allMatch(CompletableFuture::isCancelled);
            assertThat(run.summary().cancelled()).isEqualTo(50);
        });
    }

    @Test
    void aStageWithoutAFutureOrThatRefusesCancelStillEndsCancelled() {
        AsyncTaskFunction<Integer, Integer> task = i -> new MinimalStage<>();
        assertTimeoutPreemptively(BOUND, () -> {
            Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(10)).numThreads(10)
                    .progress(ProgressReporter.none()).start();
            try (run) {
                run.cancel();
                List<Outcome<Integer, Integer>> outcomes = run.stream().collect(Collectors.toList());
                List<Integer> rest = new ArrayList<>();
                run.remaining().forEachRemaining(rest::add);
                assertThat(outcomes.size() + rest.size()).isEqualTo(10);
                assertThat(outcomes).allMatch(Outcome::isCancelled);
            }
        });
    }

    /** A stage that never completes and has no future to cancel. */
    private static final class MinimalStage<T> extends CompletableFuture<T> {
        @Override
        public CompletableFuture<T> toCompletableFuture() {
            throw new UnsupportedOperationException("no future here");
        }
    }

    @Test
    void orderedKeepsTheSourcesOrder() {
        AsyncTaskFunction<Integer, Integer> task = i -> later(() -> {
            Thread.sleep(i % 7 == 0 ? 2 : 0);
            return i;
        });
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(2_000))
                .numThreads(64).ordered());
        assertThat(outcomes.stream().map(Outcome::input)).containsExactlyElementsOf(inputs(2_000));
    }

    @Test
    void resubmissionsCountedFromAnyThreadReachTheOutcomeAndTheSummary() {
        AsyncTaskFunction<Integer, Integer> task = i -> {
            Runnable resubmitted = Parallelized.resubmissionCounter();
            if (i % 2 == 0) {
                Parallelized.countResubmission(); // inside apply: counts too
            }
            return later(() -> {
                resubmitted.run(); // on the completer's thread
                return i;
            });
        };
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync(task, inputs(100)).numThreads(10));
        assertThat(outcomes).allMatch(o -> o.attempts() == (o.input() % 2 == 0 ? 3 : 2));
        try (Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(100)).numThreads(10)
                .progress(ProgressReporter.none()).start()) {
            run.stream().count();
            assertThat(run.summary().resubmitted()).isEqualTo(150);
        }
        Parallelized.resubmissionCounter().run(); // outside a task: nothing to count, nothing thrown
    }

    @Test
    void theFailurePolicyStopsTheRunAndTheRestComesOutCancelled() {
        AsyncTaskFunction<Integer, Integer> task = i -> i == 10 ? CompletableFuture.failedFuture(new IOException("x"))
                : i < 10 ? CompletableFuture.completedFuture(i) : new CompletableFuture<>();
        assertTimeoutPreemptively(BOUND, () -> {
            Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(1_000)).numThreads(40).failFast()
                    .progress(ProgressReporter.none()).start();
            try (run) {
                List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
                run.forEach(outcomes::add);
                assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
                assertThat(outcomes).anyMatch(o -> o.input() == 10 && o.error() instanceof IOException);
                assertThat(outcomes.stream().filter(o -> o.input() > 10)).allMatch(Outcome::isCancelled);
                assertThat(run.progress().snapshot().running()).isZero();
            }
        });
    }

    @Test
    void theSnapshotNeverShowsMoreRunningThanNumThreads() {
        AsyncTaskFunction<Integer, Integer> task = CompletableFuture::completedFuture;
        assertTimeoutPreemptively(BOUND, () -> {
            try (Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(300_000)).numThreads(10)
                    .progress(ProgressReporter.none()).start()) {
                AtomicInteger most = new AtomicInteger();
                Thread sampler = new Thread(() -> {
                    while (!run.progress().snapshot().state().equals(RunState.COMPLETED)) {
                        most.accumulateAndGet((int) run.progress().snapshot().running(), Math::max);
                        Thread.yield(); // samples often, without taking a core from the run on a loaded machine
                    }
                });
                sampler.start();
                assertThat(run.stream().count()).isEqualTo(300_000);
                Bounded.join(sampler);
                assertThat(most.get()).isBetween(0, 10);
            }
        });
    }

    @Test
    void aStreamSourceAndAnIteratorSourceWork() {
        AsyncTaskFunction<Integer, Integer> task = i -> later(() -> i + 1);
        assertThat(runAll(Parallelized.ofAsync(task, Stream.of(1, 2, 3)))).hasSize(3);
        assertThat(runAll(Parallelized.ofAsync(task, inputs(5).iterator()))).hasSize(5);
    }

    @Test
    void runsOnASuppliedExecutorWithAFewOfItsThreads() {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Set<Thread> callers = ConcurrentHashMap.newKeySet();
            AsyncTaskFunction<Integer, Integer> task = i -> {
                callers.add(Thread.currentThread());
                return later(() -> i);
            };
            assertThat(runAll(Parallelized.ofAsync(task, inputs(3_000)).numThreads(500).executor(pool, 3, "(test)")))
                    .hasSize(3_000).allMatch(Outcome::isSuccess);
            // the loops run on the pool (a loop gives its thread back every 10 ms, so it may come back on another)
            assertThat(callers).isNotEmpty().hasSizeLessThanOrEqualTo(3)
                    .allMatch(thread -> thread.getName().startsWith("pool-"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theReadmesHttpExampleChecksLinksOnALoopbackServer() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int status = exchange.getRequestURI().getPath().endsWith("/missing") ? 404 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(completer);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<java.net.URI> uris = IntStream.range(0, 200)
                    .mapToObj(i -> java.net.URI.create(base + (i % 10 == 0 ? "/missing" : "/page/" + i)))
                    .collect(Collectors.toList());
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            List<Outcome<java.net.URI, Integer>> outcomes = runAll(Parallelized.<java.net.URI, Integer>ofAsync(
                            uri -> http.sendAsync(java.net.http.HttpRequest.newBuilder(uri).build(),
                                            java.net.http.HttpResponse.BodyHandlers.discarding())
                                    .thenApply(java.net.http.HttpResponse::statusCode), uris)
                    .numThreads(50).retry(3, Duration.ofMillis(100)).timeout(Duration.ofSeconds(10))
                    .desc("Checking links"));
            assertThat(outcomes).hasSize(200).allMatch(Outcome::isSuccess);
            assertThat(outcomes.stream().filter(o -> o.result() == 404)).hasSize(20);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        AsyncTaskFunction<Integer, Integer> task = CompletableFuture::completedFuture;
        assertThatThrownBy(() -> Parallelized.ofAsync(null, List.of(1))).isInstanceOf(NullPointerException.class)
                .hasMessage("function");
        assertThatThrownBy(() -> Parallelized.ofAsync(task, (List<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Parallelized.ofAsync(task, (Iterator<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Parallelized.ofAsync(task, (Stream<Integer>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Parallelized.ofAsync(task, List.of(1)).numThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numThreads");
    }

    @Test
    void progressCountsTheTasksInFlightAsRunning() {
        CountDownLatch started = new CountDownLatch(20);
        CompletableFuture<Void> release = new CompletableFuture<>();
        AsyncTaskFunction<Integer, Integer> task = i -> {
            started.countDown();
            return release.thenApply(v -> i);
        };
        assertTimeoutPreemptively(BOUND, () -> {
            try (Parallelized<Integer, Integer> run = Parallelized.ofAsync(task, inputs(20)).numThreads(20)
                    .progress(ProgressReporter.none()).start()) {
                Bounded.await(started);
                assertThat(run.progress().snapshot().running()).isEqualTo(20);
                release.complete(null);
                assertThat(run.stream().count()).isEqualTo(20);
                assertThat(run.summary().succeeded()).isEqualTo(20);
                assertThat(run.progress().snapshot().running()).isZero();
            }
        });
    }
}
