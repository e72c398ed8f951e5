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

    /** The outcomes of a stopped run and the inputs it never read: together, exactly its inputs. */
    record Accounted<I, R>(List<Outcome<I, R>> outcomes, List<I> rest) {
        int size() {
            return outcomes.size() + rest.size();
        }
    }

    /** Like {@link #consume}, and also takes the unread rest of the source before closing the run. */
    static <I, R> CompletableFuture<Accounted<I, R>> consumeAll(Parallelized<I, R> run) {
        CompletableFuture<Accounted<I, R>> accounted = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            try (run) {
                accounted.complete(drainAll(run));
            } catch (Throwable e) {
                accounted.completeExceptionally(e);
            }
        }, "test-consumer");
        consumer.setDaemon(true);
        consumer.start();
        return accounted;
    }

    /** Consumes the run on this thread and takes the unread rest of its source; does not close it. */
    static <I, R> Accounted<I, R> drainAll(Parallelized<I, R> run) {
        List<Outcome<I, R>> all = new ArrayList<>();
        run.forEach(all::add);
        List<I> rest = new ArrayList<>();
        run.remaining().forEachRemaining(rest::add);
        return new Accounted<>(all, rest);
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
