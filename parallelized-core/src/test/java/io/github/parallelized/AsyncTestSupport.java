package io.github.parallelized;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;

/** What the tests of asynchronous runs share: a bound, inputs, a run read to its end, stages completed elsewhere. */
abstract class AsyncTestSupport {

    static final Duration BOUND = Duration.ofSeconds(Bounded.SECONDS);
    /** Completes stages on threads that are not the run's, as an asynchronous client would. */
    final ExecutorService completer;

    AsyncTestSupport(int completerThreads) {
        this.completer = Executors.newFixedThreadPool(completerThreads);
    }

    @AfterEach
    void stopCompleter() {
        completer.shutdownNow();
    }

    static List<Integer> inputs(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    static <I, R> List<Outcome<I, R>> runAll(Parallelized.Builder<I, R> builder) {
        return assertTimeoutPreemptively(BOUND, () -> {
            try (Parallelized<I, R> run = builder.progress(ProgressReporter.none()).start()) {
                return run.stream().collect(Collectors.toList());
            }
        });
    }

    /** A stage that {@code work} completes on the completer. */
    <R> CompletableFuture<R> later(Callable<R> work) {
        CompletableFuture<R> future = new CompletableFuture<>();
        completer.execute(() -> {
            try {
                future.complete(work.call());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** A task whose stages complete on the completer; {@code most} keeps the most of them pending at once. */
    AsyncTaskFunction<Integer, Integer> countingInFlight(java.util.concurrent.atomic.AtomicInteger most) {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        return i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            return later(() -> {
                running.decrementAndGet();
                return i;
            });
        };
    }

    /** Starts a thread that cancels {@code run} once {@code when} is released (bounded: a wait past it fails). */
    static Thread cancelWhen(CountDownLatch when, Parallelized<?, ?> run) {
        Thread canceller = new Thread(() -> {
            try {
                Bounded.await(when);
            } catch (InterruptedException e) {
                return;
            }
            run.cancel();
        }, "canceller");
        canceller.start();
        return canceller;
    }
}
