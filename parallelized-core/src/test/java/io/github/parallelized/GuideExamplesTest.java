package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Every example of the Python original's guide, in Java, asserting what the guide promises.
 * The Python kwargs dictionaries become records.
 */
class GuideExamplesTest {

    record Sleep(int taskId, long millis) {
    }

    static String sampleTask(Sleep task) throws InterruptedException {
        Thread.sleep(task.millis());
        return "Task " + task.taskId() + " finished after " + task.millis() + "ms";
    }

    /** 1. The context manager pattern: (input, result, error) for every task. */
    @Test
    void basicPattern() {
        List<Sleep> tasks = List.of(new Sleep(1, 20), new Sleep(2, 10));
        List<String> completed = new ArrayList<>();
        try (Parallelized<Sleep, String> par = Parallelized.of(GuideExamplesTest::sampleTask, tasks)
                .desc("Processing tasks").progress(ProgressReporter.none()).start()) {
            for (Outcome<Sleep, String> o : par) {
                if (o.error() != null) {
                    completed.add("Task " + o.input().taskId() + " failed: " + o.error());
                } else {
                    completed.add("Completed: " + o.result());
                }
            }
        }
        assertThat(completed).containsExactlyInAnyOrder("Completed: Task 1 finished after 20ms",
                "Completed: Task 2 finished after 10ms");
    }

    record Hashing(String data, int iterations) {
    }

    /** 2. Thread pool configuration: 4 threads for CPU work, more for I/O. */
    @Test
    void cpuAndIoThreadCounts() {
        List<Hashing> tasks = IntStream.range(0, 20).mapToObj(i -> new Hashing("item_" + i, 1000)).toList();
        Map<String, String> results = new ConcurrentHashMap<>();
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch fourTogether = new CountDownLatch(4);
        try (var par = Parallelized.of((Hashing t) -> {
            threads.put(Thread.currentThread().getName(), true);
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            fourTogether.countDown();
            Bounded.await(fourTogether); // the first four wait for each other: four run at once
            int result = t.data().hashCode();
            for (int i = 0; i < t.iterations(); i++) {
                result = Integer.hashCode(result * 31 + i);
            }
            running.decrementAndGet();
            return "Hash result: " + result;
        }, tasks).numThreads(4).desc("CPU processing").progress(ProgressReporter.none()).start()) {
            par.forEach(o -> results.put(o.input().data(), o.result()));
        }
        assertThat(results).hasSize(20).allSatisfy((k, v) -> assertThat(v).startsWith("Hash result: "));
        assertThat(mostAtOnce).as("four at once, never more").hasValue(4);
        assertThat(threads).hasSize(4);

        // I/O bound: 10 threads let 10 downloads wait at once
        CountDownLatch allWaiting = new CountDownLatch(10);
        try (var par = Parallelized.of((String url) -> {
            allWaiting.countDown();
            Bounded.await(allWaiting); // only returns once 10 tasks wait together
            return "Downloaded: " + url;
        }, IntStream.range(0, 10).mapToObj(i -> "http://127.0.0.1/file" + i).toList())
                .numThreads(10).desc("I/O processing").progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(10);
        }
    }

    /** 3. Progress tracking through pbar, with a postfix updated in the loop. */
    @Test
    void progressWithPostfix() {
        List<Sleep> tasks = List.of(new Sleep(1, 10), new Sleep(2, 30), new Sleep(3, 20), new Sleep(4, 40),
                new Sleep(5, 10));
        List<Map<String, Object>> postfixes = new ArrayList<>();
        try (var par = Parallelized.of(GuideExamplesTest::sampleTask, tasks).desc("Variable duration tasks")
                .progress(ProgressReporter.none()).start()) {
            Progress pbar = par.pbar();
            pbar.setPostfix(Map.of("status", "processing"));
            postfixes.add(pbar.snapshot().postfix());
            for (Outcome<Sleep, String> o : par) {
                if (o.isSuccess()) {
                    pbar.setPostfix(java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.of(
                            "status", "active", "last_task", "task_" + o.input().taskId()))));
                    postfixes.add(pbar.snapshot().postfix());
                }
            }
            assertThat(pbar.completed()).isEqualTo(5);
        }
        assertThat(postfixes.get(0)).containsExactly(Map.entry("status", "processing"));
        assertThat(postfixes).hasSize(6).last().satisfies(p -> assertThat(p).containsEntry("status", "active"));
    }

    /** 4. Yield order: completion order, not submission order. */
    @Test
    void completionOrder() throws Exception {
        // made deterministic with latches: task 1 waits for all others, task 3 for task 4, task 4 for task 2
        CountDownLatch twoDone = new CountDownLatch(1);
        CountDownLatch fourDone = new CountDownLatch(1);
        CountDownLatch threeDone = new CountDownLatch(1);
        List<Integer> order = new ArrayList<>();
        try (var par = Parallelized.of((Integer id) -> {
            switch (id) {
                case 1 -> Bounded.await(threeDone);
                case 2 -> { }
                case 3 -> Bounded.await(fourDone);
                case 4 -> Bounded.await(twoDone);
                default -> throw new IllegalArgumentException();
            }
            return id;
        }, List.of(1, 2, 3, 4)).numThreads(4).progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> o : par) {
                order.add(o.input());
                switch (o.input()) {
                    case 2 -> twoDone.countDown();
                    case 4 -> fourDone.countDown();
                    case 3 -> threeDone.countDown();
                    default -> { }
                }
            }
        }
        assertThat(order).containsExactly(2, 4, 3, 1);
    }

    /** 5. Interruption with 2 threads: pending tasks are cancelled, running ones abandoned, nothing hangs. */
    @Test
    void interruptionWithTwoThreads() throws Exception {
        CountDownLatch twoStarted = new CountDownLatch(2);
        List<Throwable> errors = new ArrayList<>();
        Thread main = new Thread(() -> {
            try (var par = Parallelized.of((Integer id) -> {
                twoStarted.countDown();
                Thread.sleep(5_000);
                return "Task " + id + " completed";
            }, IntStream.range(0, 10).boxed().toList()).numThreads(2).desc("Interruptible tasks")
                    .threadNamePrefix("guide-interrupt-").progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, String> o : par) {
                    errors.add(o.error());
                }
            } catch (CancellationException e) {
                errors.add(e); // the Java form of KeyboardInterrupt reaching the caller
            }
        });
        main.start();
        Bounded.await(twoStarted);
        main.interrupt(); // Ctrl+C
        Bounded.join(main);
        assertThat(errors).last().isInstanceOf(CancellationException.class);
        Threads.awaitNoneNamed("guide-interrupt-");
    }

    /** 6.1 Thread-safe functions: a lock-protected counter counts every task exactly once. */
    @Test
    void threadSafeCounter() {
        int[] counter = {0};
        ReentrantLock lock = new ReentrantLock();
        List<String> results = new ArrayList<>();
        try (var par = Parallelized.of((Integer itemId) -> {
            int current;
            lock.lock();
            try {
                counter[0]++;
                current = counter[0];
            } finally {
                lock.unlock();
            }
            return "Item " + itemId + " processed. Current count: " + current;
        }, IntStream.range(0, 10).boxed().toList()).desc("Thread-safe processing")
                .progress(ProgressReporter.none()).start()) {
            par.forEach(o -> results.add(o.result()));
        }
        assertThat(counter[0]).isEqualTo(10);
        assertThat(results).hasSize(10);
        assertThat(results.stream().map(r -> r.substring(r.lastIndexOf(' ') + 1)))
                .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    }

    record Unreliable(int taskId, double failRate) {
    }

    /** 6.2 Error collection and retry: by hand as in the guide, and with the built-in retry. */
    @Test
    void errorCollectionAndRetry() {
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        // deterministic stand-in for random failures: odd tasks fail on their first call only
        TaskFunction<Unreliable, String> unreliable = t -> {
            int call = calls.computeIfAbsent(t.taskId(), k -> new AtomicInteger()).incrementAndGet();
            if (t.taskId() % 2 == 1 && call == 1) {
                throw new RuntimeException("Random failure for task " + t.taskId());
            }
            return "Task " + t.taskId() + " succeeded";
        };
        List<Unreliable> tasks = IntStream.rangeClosed(1, 10).mapToObj(i -> new Unreliable(i, 0.5)).toList();
        List<String> successful = new ArrayList<>();
        List<Unreliable> failed = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        try (var par = Parallelized.of(unreliable, tasks).desc("Processing with error collection")
                .progress(ProgressReporter.none()).start()) {
            for (Outcome<Unreliable, String> o : par) {
                if (o.error() != null) {
                    messages.add(Errors.describe(o.error(), false));
                    failed.add(o.input());
                } else {
                    successful.add(o.result());
                }
            }
        }
        assertThat(failed).extracting(Unreliable::taskId).containsExactlyInAnyOrder(1, 3, 5, 7, 9);
        assertThat(messages).contains("RuntimeException: Random failure for task 3");
        try (var par = Parallelized.of(unreliable, failed).desc("Retrying failed tasks")
                .progress(ProgressReporter.none()).start()) {
            par.forEach(o -> successful.add(o.result()));
        }
        assertThat(successful).hasSize(10);

        // the same with the built-in retry: one run, no hand-written loop
        calls.clear();
        try (var par = Parallelized.of(unreliable, tasks).retry(2, java.time.Duration.ZERO)
                .progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(10);
        }
    }
}
