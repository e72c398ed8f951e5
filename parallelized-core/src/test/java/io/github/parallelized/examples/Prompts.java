package io.github.parallelized.examples;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskLimit;

/** The limits guide's first examples: a concurrency, a rate, both, given to a run. */
final class Prompts {

    /** The tasks running now, the most at once, and the time each task started (nanoTime). */
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final Queue<Long> starts = new ConcurrentLinkedQueue<>();
    /** The limit the run was given, kept to look at after the run. */
    TaskLimit api;

    /** Completes every prompt under a limit of 8 at once and 20 starts a second. */
    Map<String, String> completeAll(List<String> prompts) {
        // tag::task-limit[]
        TaskLimit slots = TaskLimit.concurrency(8);                       // at most 8 tasks at once
        TaskLimit quota = TaskLimit.rate(20, Duration.ofSeconds(1));      // at most 20 starts in any 1 s window
        TaskLimit api   = slots.and(quota);                                // both
        // end::task-limit[]
        this.api = api;
        Map<String, String> answers = new ConcurrentHashMap<>();
        // tag::limit-run[]
        try (var par = Parallelized.of(this::complete, prompts)
                .numThreads(32)
                .limit(api)                                   // every attempt of every task starts under the limit
                .start()) {
            for (Outcome<String, String> o : par) {
                answers.put(o.input(), o.isSuccess() ? o.result() : "failed: " + o.error());
            }
        }
        // end::limit-run[]
        return answers;
    }

    /** The call to a model, simulated: it records when it started and how many ran with it. */
    String complete(String prompt) throws InterruptedException {
        starts.add(System.nanoTime());
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            Thread.sleep(20);
            return "answer to " + prompt;
        } finally {
            running.decrementAndGet();
        }
    }
}
