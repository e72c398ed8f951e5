package io.github.parallelized.benchmarks;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ParallelizedException;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.TaskFunction;
import io.github.parallelized.TaskLimit;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code fuzz FIRST_SEED COUNT}: random runs with random faults, each of which must end within a minute and account
 * for every input exactly once (an outcome, or {@code remaining()} after a stop), in submission order when ordered.
 * A seed fixes the run: blocking, virtual-thread (Java 21+) or asynchronous; 1-300 inputs; 1-64 threads; ordered or
 * not; a timeout, retries, a concurrency, rate or per-key limit, a checkpoint, a small window, a supplied executor;
 * and one fault: a cancel, a close from another thread, a break, an interrupt of the consumer (which then reads on),
 * a source that throws, a task that throws an {@link Error}, a listener that throws, a cancel racing a close, a
 * failure limit. Prints every seed that broke a promise (a hang with the run's threads' stacks), and exits 1 if any
 * did. It found the asynchronous runs with a limit below their tasks in flight that waited for ever (stop 30).
 */
final class Fuzz {

    private static final long BOUND_SECONDS = 60;

    private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(2, daemon("fuzz-delay"));
    private final PrintStream out;

    private Fuzz(PrintStream out) {
        this.out = out;
    }

    static void main(String[] args) throws Exception {
        long first = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int bad = run(first, count, System.out);
        System.out.println("fuzz: " + count + " runs from seed " + first + ", " + bad + " broke a promise");
        System.exit(bad == 0 ? 0 : 1);
    }

    /** Runs {@code count} seeds from {@code first}; the number of seeds that broke a promise. */
    static int run(long first, int count, PrintStream out) throws InterruptedException {
        Fuzz fuzz = new Fuzz(out);
        ExecutorService consumers = Executors.newCachedThreadPool(daemon("fuzz-consumer"));
        int bad = 0;
        try {
            for (long seed = first; seed < first + count; seed++) {
                long current = seed;
                Future<String> verdict = consumers.submit(() -> fuzz.oneRun(current));
                String said;
                try {
                    said = verdict.get(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    said = "HANG " + Config.of(seed) + "\n" + stacks("fz" + seed + "-");
                    verdict.cancel(true);
                } catch (ExecutionException e) {
                    said = "THREW " + Config.of(seed) + ": " + e.getCause();
                }
                if (!said.equals("ok")) {
                    bad++;
                    out.println("seed " + seed + ": " + said);
                }
            }
        } finally {
            consumers.shutdownNow();
            fuzz.delays.shutdownNow();
        }
        return bad;
    }

    /** What a seed runs. Mode 0 blocking, 1 virtual threads, 2 asynchronous; fault 0-9 as in the class comment. */
    record Config(int mode, int size, int threads, boolean ordered, int timeoutMillis, int retries, int limit,
                  boolean checkpoint, int fault, int faultAt, int window, int poolExtra) {

        static Config of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int size = 1 + r.nextInt(300);
            return new Config(r.nextInt(3), size, 1 + r.nextInt(r.nextBoolean() ? 4 : 64), r.nextInt(4) == 0,
                    r.nextInt(4) == 0 ? 1 + r.nextInt(15) : 0, r.nextInt(3), r.nextInt(4), r.nextInt(4) == 0,
                    r.nextInt(10), r.nextInt(size + 1), r.nextInt(3) == 0 ? 1 + r.nextInt(64) : 0,
                    r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0);
        }
    }

    private String oneRun(long seed) throws Exception {
        Config c = Config.of(seed);
        Parallelized.Builder<Integer, Integer> builder = builder(seed, c);
        // a supplied executor: the loops' threads (one more than the threads), and up to two more
        ExecutorService pool = c.poolExtra() == 0 || c.mode() == 1 ? null
                : Executors.newFixedThreadPool(c.threads() + c.poolExtra(), daemon("fz" + seed + "-pool"));
        if (pool != null) {
            builder.executor(pool);
        }
        try {
            return oneRun(c, builder);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private String oneRun(Config c, Parallelized.Builder<Integer, Integer> builder) throws Exception {
        Map<Integer, Integer> seen = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        boolean failed = false;
        boolean left = false; // the consumer left the loop early: what it did not read is not accounted
        Thread racer = null;
        Parallelized<Integer, Integer> run = builder.start();
        try {
            Iterator<Outcome<Integer, Integer>> outcomes = run.iterator();
            try {
                for (int n = 1; ; n++) {
                    boolean more;
                    try {
                        more = outcomes.hasNext();
                    } catch (CancellationException e) {
                        if (c.fault() != 4 || !Thread.interrupted()) {
                            throw e;
                        }
                        n--;
                        continue; // an interrupt cancelled the run: read on, as after cancel()
                    }
                    if (!more) {
                        break;
                    }
                    Outcome<Integer, Integer> o = outcomes.next();
                    seen.merge(o.input(), 1, Integer::sum);
                    order.add(o.input());
                    if (o.isSuccess() && !o.result().equals(o.input())) {
                        return "a wrong result for input " + o.input() + " " + c;
                    }
                    if (n == Math.max(1, c.faultAt())) {
                        switch (c.fault()) {
                            case 1 -> run.cancel();
                            case 2 -> {
                                Thread closer = new Thread(run::close);
                                closer.start();
                                closer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
                                left = true;
                            }
                            case 3 -> left = true;
                            case 4 -> Thread.currentThread().interrupt();
                            case 8 -> {
                                racer = new Thread(run::cancel);
                                racer.start();
                                run.close();
                                left = true;
                            }
                            default -> {
                            }
                        }
                        if (c.fault() == 3) {
                            break;
                        }
                    }
                }
            } catch (ParallelizedException e) {
                failed = true;
            } catch (CancellationException e) {
                if (c.fault() != 2 && c.fault() != 8) {
                    return "an unexpected " + e + " " + c;
                }
                left = true;
            }
            Thread.interrupted();
            if (racer != null) {
                racer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            }
            for (int i = 1; c.ordered() && i < order.size(); i++) {
                if (order.get(i) < order.get(i - 1)) {
                    return "out of order at " + i + ": " + order.get(i - 1) + " then " + order.get(i) + " " + c;
                }
            }
            if (seen.values().stream().anyMatch(times -> times != 1)) {
                return "an input came twice " + c;
            }
            if (left) {
                return "ok";
            }
            run.remaining().forEachRemaining(input -> seen.merge(input, 1, Integer::sum));
            // a source that failed was read up to its failure only
            int read = c.fault() == 5 && failed ? Math.min(c.faultAt(), c.size()) : c.size();
            for (int i = 0; i < read; i++) {
                if (seen.getOrDefault(i, 0) != 1) {
                    return "input " + i + " came " + seen.getOrDefault(i, 0) + " times (run failed: " + failed + ") "
                            + c + ", " + run.summary();
                }
            }
            return "ok";
        } finally {
            run.close();
        }
    }

    private Parallelized.Builder<Integer, Integer> builder(long seed, Config c) {
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            inputs.add(i);
        }
        Iterator<Integer> all = inputs.iterator();
        Iterator<Integer> source = new Iterator<>() {
            private int read;

            @Override
            public boolean hasNext() {
                if (c.fault() == 5 && read == c.faultAt()) {
                    throw new IllegalStateException("the source broke at " + read);
                }
                return all.hasNext();
            }

            @Override
            public Integer next() {
                read++;
                return all.next();
            }
        };
        Parallelized.Builder<Integer, Integer> b = c.mode() == 2 ? Parallelized.ofAsync(asyncTask(seed, c), source)
                : Parallelized.of(task(seed, c), source);
        b.numThreads(c.threads()).threadNamePrefix("fz" + seed + "-").progress(ProgressReporter.none());
        if (c.mode() == 1 && Runtime.version().feature() >= 21) {
            b.virtualThreads();
        }
        if (c.ordered()) {
            b.ordered();
        }
        if (c.timeoutMillis() > 0) {
            b.timeout(Duration.ofMillis(c.timeoutMillis()));
        }
        if (c.retries() > 0) {
            b.retry(c.retries() + 1, Duration.ofMillis(c.retries() - 1));
        }
        switch (c.limit()) {
            case 1 -> b.limit(TaskLimit.concurrency(1 + (int) (seed % 3)));
            case 2 -> b.limit(TaskLimit.rate(1000, Duration.ofMillis(100)));
            case 3 -> b.limitPerKey(i -> i % 5, TaskLimit.concurrency(1));
            default -> {
            }
        }
        if (c.window() > 0) {
            b.maxInFlight(c.window());
        }
        if (c.fault() == 9) {
            b.stopAfterFailures(3);
        }
        if (c.checkpoint()) {
            b.checkpoint(CheckpointStore.inMemory(), "fz" + seed, String::valueOf);
        }
        if (c.fault() == 7) {
            AtomicInteger calls = new AtomicInteger();
            b.listener(new ProgressReporter() {
                @Override
                public void onOutcome(String run, Outcome<?, ?> outcome) {
                    if (calls.incrementAndGet() % 7 == 0) {
                        throw new IllegalStateException("the listener broke");
                    }
                }
            });
        }
        return b;
    }

    /** Fails, sleeps, throws an Error or outlives the timeout, by the input. */
    private static TaskFunction<Integer, Integer> task(long seed, Config c) {
        return i -> {
            int kind = Math.floorMod(i * 31 + (int) seed, 13);
            if (kind == 0) {
                throw new IOException("failed " + i);
            }
            if (kind == 1) {
                Thread.sleep(1 + i % 3);
            }
            if (kind == 2 && c.fault() == 6) {
                throw new StackOverflowError("a task's Error " + i);
            }
            if (kind == 3 && c.timeoutMillis() > 0) {
                Thread.sleep(c.timeoutMillis() + 5);
            }
            return i;
        };
    }

    /** The same, as stages: failed, completed, minimal, or completed later on another thread. */
    private AsyncTaskFunction<Integer, Integer> asyncTask(long seed, Config c) {
        return i -> {
            int kind = Math.floorMod(i * 31 + (int) seed, 13);
            if (kind == 0) {
                return CompletableFuture.failedFuture(new IOException("failed " + i));
            }
            if (kind == 2 && c.fault() == 6) {
                throw new StackOverflowError("a task's Error " + i);
            }
            long delay = kind == 1 ? 1 + i % 3 : kind == 3 && c.timeoutMillis() > 0 ? c.timeoutMillis() + 5 : 0;
            if (delay == 0 && i % 2 == 0) {
                return CompletableFuture.completedFuture(i);
            }
            if (kind == 4) {
                return CompletableFuture.completedFuture(i).minimalCompletionStage();
            }
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            delays.schedule(() -> stage.complete(i), delay, TimeUnit.MILLISECONDS);
            return stage;
        };
    }

    private static String stacks(String prefix) {
        StringBuilder all = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(prefix) || thread.getName().startsWith("fuzz-consumer")) {
                all.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    all.append("    ").append(frame).append('\n');
                }
            }
        });
        return all.toString();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return work -> {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
