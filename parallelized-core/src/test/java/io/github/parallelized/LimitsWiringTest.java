package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The limits, the parked inputs and the retry policy put together the way the proposed wiring puts them into the
 * engine's worker loop: a worker refused a permit parks its input and takes another, and sleeps only when every
 * input it could take waits. A sketch of the engine, not the engine: no window, no hand-off, no cancel.
 */
class LimitsWiringTest {

    /** One input on its way: the engine's per-input state would carry the same. */
    static final class Item<I> {
        final I input;
        final RunLimits<I>.Slot slot;
        int attempts;

        Item(I input, RunLimits<I>.Slot slot) {
            this.input = input;
            this.slot = slot;
        }
    }

    /** How long an idle worker of the sketch sleeps at most; a wait for a release that lasts this long was lost. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Idle waits for a release only (no timed item) that lasted {@link #IDLE_NANOS}: a lost wake-up each. */
    static final AtomicInteger LOST_WAKE_UPS = new AtomicInteger();

    /** Runs every input on {@code threads} workers; returns the inputs in completion order with their errors. */
    static <I> List<Map.Entry<I, Throwable>> runAll(List<I> inputs, int threads, LimitOptions options,
                                                    TaskFunction<I, ?> function) throws InterruptedException {
        RunLimits<I> limits = options.runLimits();
        RetryPolicy retry = options.retry != null ? options.retry : RetryPolicy.fixed(1, Duration.ZERO);
        ConcurrentLinkedQueue<I> source = new ConcurrentLinkedQueue<>(inputs);
        Throttled<Item<I>> parked = new Throttled<>(() -> { });
        List<Map.Entry<I, Throwable>> done = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(inputs.size());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                while (left.get() > 0) {
                    long now = System.nanoTime();
                    // parked inputs first: they are older than anything the source still has
                    Item<I> item = parked.poll(now);
                    if (item == null) {
                        I input = source.poll();
                        if (input == null) {
                            boolean releaseOnly = parked.nanosUntilNext(now) == Long.MAX_VALUE && parked.size() > 0;
                            parked.awaitReady(now, IDLE_NANOS);
                            if (releaseOnly && System.nanoTime() - now >= IDLE_NANOS) {
                                LOST_WAKE_UPS.incrementAndGet();
                            }
                            continue;
                        }
                        item = new Item<>(input, limits.slot(input));
                        if (item.slot.error() != null) {
                            item.slot.close();
                            done.add(Map.entry(input, item.slot.error()));
                            if (left.decrementAndGet() == 0) {
                                parked.drain();
                            }
                            continue;
                        }
                    }
                    // before each attempt, retries included: the permits, or park and take another input
                    long seen = item.slot.limit().releases();
                    long wait = item.slot.tryAcquire(now);
                    if (wait == TaskLimit.ON_RELEASE) {
                        parked.parkForRelease(item, item.slot.limit(), seen);
                        continue;
                    }
                    if (wait > 0) {
                        parked.parkUntil(item, now + wait);
                        continue;
                    }
                    Throwable error = null;
                    item.attempts++;
                    try {
                        function.apply(item.input);
                    } catch (Throwable e) {
                        error = e;
                    } finally {
                        item.slot.release();
                    }
                    if (error != null && item.attempts < retry.maxAttempts() && retry.retries(error)) {
                        // the backoff holds no worker either
                        long delay = retry.delayNanos(item.attempts, error, ThreadLocalRandom.current().nextLong());
                        parked.parkUntil(item, System.nanoTime() + delay);
                        continue;
                    }
                    item.slot.close();
                    done.add(new java.util.AbstractMap.SimpleEntry<>(item.input, error));
                    if (left.decrementAndGet() == 0) {
                        parked.drain(); // wakes the idle workers: the run is over
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(worker.isAlive()).as("a worker of the sketch is stuck").isFalse();
        }
        return done;
    }

    @Test
    void sevenKeysBehindAHotOneFinishWhileTheHotKeyStillRuns() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            inputs.add("hot/" + i);
        }
        for (int k = 0; k < 7; k++) {
            inputs.add("cold" + k + "/0");
        }
        LimitOptions options = new LimitOptions();
        options.key = (Function<String, String>) s -> s.substring(0, s.indexOf('/'));
        options.perKey = TaskLimit.concurrency(1);
        AtomicInteger hotRunning = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        List<Map.Entry<String, Throwable>> done = runAll(inputs, 4, options, input -> {
            if (input.startsWith("hot")) {
                if (hotRunning.incrementAndGet() > 1) {
                    overlap.incrementAndGet();
                }
                Thread.sleep(1);
                hotRunning.decrementAndGet();
            }
            return input;
        });
        assertThat(done).hasSize(107).allSatisfy(e -> assertThat(e.getValue()).isNull());
        assertThat(overlap).as("the hot key never ran twice at once").hasValue(0);
        int lastCold = 0;
        int lastHot = 0;
        for (int i = 0; i < done.size(); i++) {
            if (done.get(i).getKey().startsWith("cold")) {
                lastCold = i;
            } else {
                lastHot = i;
            }
        }
        assertThat(lastCold).as("the seven finish while the hot key still runs").isLessThan(lastHot);
    }

    @Test
    void aSharedConcurrencyLimitHoldsAcrossRunsAndRetriesObeyIt() throws Exception {
        TaskLimit shared = TaskLimit.concurrency(3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // the first call of every third input fails, in whichever run calls it first (per input: a shared call counter
        // could land one input on every failing call when three tasks ran in lockstep: all 10 attempts, once in CI)
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        TaskFunction<Integer, Integer> task = i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(1);
                if (i % 3 == 0 && calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    throw new IOException("the first call of every third input fails");
                }
                return i;
            } finally {
                running.decrementAndGet();
            }
        };
        LimitOptions options = new LimitOptions();
        options.limit = shared;
        options.retry = RetryPolicy.fixed(10, Duration.ZERO);
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            inputs.add(i);
        }
        Map<String, List<Map.Entry<Integer, Throwable>>> results = new ConcurrentHashMap<>();
        Thread other = new Thread(() -> {
            try {
                results.put("second", runAll(inputs, 4, options, task));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        results.put("first", runAll(inputs, 4, options, task));
        other.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(results.get("first")).hasSize(60).allSatisfy(e -> assertThat(e.getValue()).isNull());
        assertThat(results.get("second")).hasSize(60).allSatisfy(e -> assertThat(e.getValue()).isNull());
        assertThat(most.get()).as("8 workers, one limit of 3").isLessThanOrEqualTo(3);
        assertThat(shared.inUse()).isZero();
        assertThat(shared.waiting()).isZero();
    }

    @Test
    void noWakeUpIsLostWhenManyWorkersRaceOnSharedAndPerKeyLimits() throws Exception {
        LimitOptions options = new LimitOptions();
        options.limit = TaskLimit.concurrency(3);
        options.key = (Function<Integer, Object>) i -> i % 50;
        options.perKey = TaskLimit.concurrency(1);
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            inputs.add(i);
        }
        int lostBefore = LOST_WAKE_UPS.get();
        List<Map.Entry<Integer, Throwable>> done = runAll(inputs, 8, options, i -> i);
        assertThat(done).hasSize(5_000);
        assertThat(LOST_WAKE_UPS.get() - lostBefore).as("idle waits for a release that nobody woke").isZero();
        assertThat(options.limit.inUse()).isZero();
        assertThat(options.limit.waiting()).isZero();
    }

    @Test
    void aKeyThatCannotBeComputedFailsItsInputOnly() throws Exception {
        LimitOptions options = new LimitOptions();
        options.key = (Function<Integer, Object>) i -> i == 3 ? null : i % 2;
        options.perKey = TaskLimit.concurrency(1);
        List<Map.Entry<Integer, Throwable>> done = runAll(List.of(1, 2, 3, 4), 2, options, i -> i);
        assertThat(done).hasSize(4);
        assertThat(done).filteredOn(e -> e.getValue() != null).singleElement()
                .satisfies(e -> assertThat(e.getKey()).isEqualTo(3))
                .satisfies(e -> assertThat(e.getValue()).hasMessageContaining("returned null"));
    }
}
