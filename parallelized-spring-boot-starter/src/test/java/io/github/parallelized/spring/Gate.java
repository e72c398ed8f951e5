package io.github.parallelized.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;

/** Test helpers: a latch that holds tasks, and a consumer on a thread of its own. */
final class Gate {

    private final CountDownLatch latch = new CountDownLatch(1);

    /** Blocks the task until {@link #open()}; interruptible, so a cancelled run stops waiting. */
    void pass() throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate was never opened");
        }
    }

    void open() {
        latch.countDown();
    }

    /** Consumes and closes the run on a new thread; the future holds every outcome. */
    static <I, R> CompletableFuture<List<Outcome<I, R>>> consume(Parallelized<I, R> run) {
        CompletableFuture<List<Outcome<I, R>>> outcomes = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            List<Outcome<I, R>> all = new ArrayList<>();
            try (run) {
                run.forEach(all::add);
                outcomes.complete(all);
            } catch (Throwable e) {
                outcomes.completeExceptionally(e);
            }
        }, "test-consumer");
        consumer.setDaemon(true);
        consumer.start();
        return outcomes;
    }

    static <I, R> List<Outcome<I, R>> drain(Parallelized<I, R> run) {
        List<Outcome<I, R>> all = new ArrayList<>();
        try (run) {
            run.forEach(all::add);
        }
        return all;
    }

    static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }
}
