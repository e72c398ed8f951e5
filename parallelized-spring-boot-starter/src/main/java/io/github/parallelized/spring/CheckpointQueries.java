package io.github.parallelized.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.parallelized.CheckpointStore;

/**
 * The checkpoint part of the {@code parallelized} endpoint, read within a bound: the store's queries for people have
 * no timeout of their own (a count over millions of rows takes a while), and a database that stops answering (a
 * table lock, a network partition) held every read of the endpoint, one more web thread per poll of a dashboard.
 * The queries run on a daemon thread of their own, one batch at a time: a read waits at most {@code bound}, then
 * answers the store as unavailable, and later reads join the batch under way instead of starting another, so a
 * stuck database holds one thread. A batch that ends after its read gave up is the next read's answer. Thread-safe.
 */
final class CheckpointQueries {

    private final CheckpointStore store;
    private final Duration bound;
    private final int maxRuns;
    private final int maxFailures;
    /** The batch under way, or one that ended after its readers gave up; null once its answer was given. */
    private CompletableFuture<List<CheckpointDescriptor>> current;

    CheckpointQueries(CheckpointStore store, Duration bound, int maxRuns, int maxFailures) {
        this.store = store;
        this.bound = bound;
        this.maxRuns = maxRuns;
        this.maxFailures = maxFailures;
    }

    List<CheckpointDescriptor> read() {
        CompletableFuture<List<CheckpointDescriptor>> batch;
        synchronized (this) {
            if (current == null) {
                current = start();
            }
            batch = current;
        }
        try {
            List<CheckpointDescriptor> answer = batch.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            synchronized (this) {
                if (current == batch) {
                    current = null; // given: the next read asks the store again
                }
            }
            return answer;
        } catch (TimeoutException e) {
            return unavailable("did not answer within " + RunShutdown.format(bound)
                    + " (its query goes on; a later read shows its answer)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("not read: the reading thread was interrupted");
        } catch (ExecutionException e) {
            // not met: the batch catches what the store throws; an Error is shown as the store's failure
            return List.of(CheckpointDescriptor.unavailable(store, new IllegalStateException(e.getCause())));
        }
    }

    private List<CheckpointDescriptor> unavailable(String why) {
        return List.of(CheckpointDescriptor.unavailable(store, new IllegalStateException(why)));
    }

    private CompletableFuture<List<CheckpointDescriptor>> start() {
        CompletableFuture<List<CheckpointDescriptor>> batch = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                batch.complete(query());
            } catch (Throwable e) {
                batch.completeExceptionally(e);
            }
        }, "parallelized-checkpoint-query");
        thread.setDaemon(true); // a database that never answers must not keep the JVM alive
        try {
            thread.start();
        } catch (Throwable e) {
            batch.completeExceptionally(e); // no thread to be had: this read says so, the next one tries again
        }
        return batch;
    }

    private List<CheckpointDescriptor> query() {
        try {
            return store.runNames().stream().limit(maxRuns)
                    .map(name -> CheckpointDescriptor.of(store, name, maxFailures)).toList();
        } catch (RuntimeException e) {
            return List.of(CheckpointDescriptor.unavailable(store, e));
        }
    }
}
