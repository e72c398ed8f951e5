package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Resumable runs through the engine: what is skipped, what is recorded, and every bad input. */
class CheckpointTest {

    static <R> Summary runAll(Parallelized.Builder<Integer, R> builder) {
        try (Parallelized<Integer, R> run = builder.progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, R> ignored : run) {
                // consume
            }
            return run.summary();
        }
    }

    static <R> List<Outcome<Integer, R>> outcomes(Parallelized.Builder<Integer, R> builder) {
        List<Outcome<Integer, R>> all = new ArrayList<>();
        try (Parallelized<Integer, R> run = builder.progress(ProgressReporter.none()).start()) {
            run.forEach(all::add);
        }
        return all;
    }

    private static final List<Integer> INPUTS = IntStream.range(0, 500).boxed().toList();

    @Test
    void badArgumentsAreRefusedNamingThem() {
        Parallelized.Builder<Integer, Integer> builder = Parallelized.of(i -> i, INPUTS);
        CheckpointStore store = CheckpointStore.inMemory();
        Function<Integer, String> key = String::valueOf;
        assertThatThrownBy(() -> builder.checkpoint(null, "r", key)).isInstanceOf(NullPointerException.class)
                .hasMessage("store");
        assertThatThrownBy(() -> builder.checkpoint(store, null, key)).isInstanceOf(NullPointerException.class)
                .hasMessage("runName");
        assertThatThrownBy(() -> builder.checkpoint(store, " \t", key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runName must not be blank");
        assertThatThrownBy(() -> builder.checkpoint(store, "r", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> builder.checkpointStore(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("store");
        assertThatThrownBy(() -> builder.checkpoint("r", key)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no checkpoint store").hasMessageContaining("checkpointStore(store)");
        assertThatThrownBy(() -> CheckpointStore.jdbc(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource");
        assertThatThrownBy(() -> CheckpointStore.Entry.success(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
    }

    @Test
    void theDefaultStoreServesARunNamedByItsNameOnly() {
        CheckpointStore store = CheckpointStore.inMemory();
        Summary first = runAll(Parallelized.of(i -> i, INPUTS).checkpointStore(store).checkpoint("by-name",
                String::valueOf));
        assertThat(first.succeeded()).isEqualTo(500);
        assertThat(store.succeeded("by-name")).isEqualTo(500);
    }

    @Test
    void aResumedRunSkipsTheSucceededAndSaysSo() {
        CheckpointStore store = CheckpointStore.inMemory();
        store.record("half", IntStream.range(0, 250).mapToObj(i -> CheckpointStore.Entry.success("" + i, 1))
                .toList());
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        List<ProgressSnapshot> finals = new CopyOnWriteArrayList<>();
        ProgressReporter last = new ProgressReporter() {
            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                finals.add(snapshot);
            }
        };
        Summary summary = runAll(Parallelized.of(i -> ran.add(i), INPUTS).listener(last).desc("Half")
                .checkpoint(store, "half", String::valueOf));
        assertThat(ran).hasSize(250).allMatch(i -> i >= 250);
        assertThat(summary.skipped()).isEqualTo(250);
        assertThat(summary.succeeded()).isEqualTo(250);
        assertThat(summary.total()).isEqualTo(250);
        assertThat(summary.toString()).contains("250 succeeded").contains("250 skipped");
        ProgressSnapshot end = finals.get(0);
        assertThat(end.skipped()).isEqualTo(250);
        assertThat(end.total()).isEqualTo(500);
        assertThat(end.fraction()).contains(1.0);
        assertThat(new BarLine(false).render(end, 10, 0, true)).contains("500/500");
    }

    @Test
    void theBarStartsAtTheSkippedCount() {
        ProgressSnapshot resumed = new ProgressSnapshot("1", "Resumed", RunState.RUNNING, 1_000, 590, 10, 0, 0, 0,
                java.time.Instant.now(), Duration.ofSeconds(1), Map.of(), 400);
        assertThat(new BarLine(false).render(resumed, 0, 0, false)).startsWith("Resumed:  40%").contains("400/1000");
        assertThat(resumed.eta()).isEmpty();
        assertThat(new Summary("d", RunState.COMPLETED, 1, 0, 0, Map.of(), Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, 0, 7).toString()).contains(", 7 skipped");
    }

    @Test
    void aKeyFunctionThatThrowsOrReturnsNullFailsThatInputOnly() {
        CheckpointStore store = CheckpointStore.inMemory();
        Function<Integer, String> key = i -> {
            if (i == 3) {
                throw new IllegalStateException("no key for three");
            }
            return i == 4 ? null : String.valueOf(i);
        };
        List<Outcome<Integer, Integer>> all = outcomes(Parallelized.of((Integer i) -> i, List.of(1, 2, 3, 4, 5))
                .checkpoint(store, "keys", key));
        assertThat(all).hasSize(5);
        assertThat(all).filteredOn(o -> o.input() == 3).singleElement().satisfies(o -> assertThat(o.error())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkpoint key function")
                .hasMessageContaining("no key for three"));
        assertThat(all).filteredOn(o -> o.input() == 4).singleElement().satisfies(o -> assertThat(o.error())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key function")
                .hasMessageContaining("returned null"));
        assertThat(all).filteredOn(Outcome::isSuccess).extracting(Outcome::input).containsExactlyInAnyOrder(1, 2, 5);
        assertThat(store.succeeded("keys")).isEqualTo(3);
        assertThat(store.failedCount("keys")).isZero();
    }

    @Test
    void anAsynchronousRunIsCheckpointedToo() {
        CheckpointStore store = CheckpointStore.inMemory();
        store.record("async", List.of(CheckpointStore.Entry.success("0", 1)));
        List<Outcome<Integer, Integer>> all = new ArrayList<>();
        try (Parallelized<Integer, Integer> run = Parallelized.<Integer, Integer>ofAsync(
                        i -> i == 7 ? CompletableFuture.failedFuture(new IOException("seven"))
                                : CompletableFuture.completedFuture(i), INPUTS)
                .checkpoint(store, "async", i -> i == 9 ? null : String.valueOf(i))
                .progress(ProgressReporter.none()).start()) {
            run.forEach(all::add);
            assertThat(run.summary().skipped()).isEqualTo(1);
        }
        assertThat(all).hasSize(499);
        assertThat(store.succeeded("async")).isEqualTo(498);
        assertThat(store.failed("async", 5)).containsExactly(
                new CheckpointStore.Failure("7", "java.io.IOException", "seven", 1));
        assertThat(all).filteredOn(o -> o.input() == 9).singleElement()
                .satisfies(o -> assertThat(o.error()).hasMessageContaining("returned null"));
    }

    @Test
    void aDuplicateKeyNeverRunsTwiceInOneRun() {
        CheckpointStore store = CheckpointStore.inMemory();
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Integer> inputs = IntStream.range(0, 2_000).map(i -> i % 100).boxed().toList();
        Summary summary = runAll(Parallelized.of((Integer i) -> runs.computeIfAbsent(i, k -> new AtomicInteger())
                        .incrementAndGet(), inputs).numThreads(8)
                .checkpoint(store, "dups", String::valueOf));
        assertThat(runs).hasSize(100);
        assertThat(runs.values()).allMatch(n -> n.get() == 1);
        assertThat(summary.succeeded()).isEqualTo(100);
        assertThat(summary.skipped()).isEqualTo(1_900);
    }

    @Test
    void aDuplicateRunsAgainOnlyAfterItsTwinFailed() {
        CheckpointStore store = CheckpointStore.inMemory();
        AtomicInteger attempts = new AtomicInteger();
        Iterator<Integer> twoOfOne = List.of(1, 1).iterator();
        Iterator<Integer> source = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return twoOfOne.hasNext();
            }

            @Override
            public Integer next() {
                return twoOfOne.next();
            }
        };
        List<Outcome<Integer, Integer>> all = outcomes(Parallelized.of((Integer i) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("first");
            }
            return i;
        }, source).numThreads(1).maxInFlight(1).checkpoint(store, "twin", String::valueOf));
        // with a window of one the twin is read after the first failed: it runs, as a retry would
        assertThat(all).hasSize(2);
        assertThat(store.succeeded("twin")).isEqualTo(1);
        assertThat(store.failed("twin", 1)).isEmpty();
    }

    @Test
    void cancelledInputsAreNotRecordedAndComeBackThroughRemaining() throws Exception {
        CheckpointStore store = CheckpointStore.inMemory();
        CountDownLatch started = new CountDownLatch(1);
        List<Integer> remaining;
        List<Outcome<Integer, Integer>> seen = new ArrayList<>();
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
                    if (i == 10) {
                        started.countDown();
                        Bounded.untilInterrupted();
                    }
                    return i;
                }, INPUTS).numThreads(1).maxInFlight(1).progress(ProgressReporter.none())
                .checkpoint(store, "cancel", String::valueOf).start()) {
            Iterator<Outcome<Integer, Integer>> it = run.iterator();
            for (int i = 0; i < 10; i++) {
                seen.add(it.next());
            }
            Bounded.await(started);
            run.cancel();
            it.forEachRemaining(seen::add);
            remaining = Remaining.of(run);
        }
        assertThat(seen).hasSize(11);
        assertThat(seen.get(10).error()).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(store.succeeded("cancel")).isEqualTo(10);
        assertThat(store.failedCount("cancel")).isZero();
        assertThat(remaining).containsExactlyElementsOf(INPUTS.subList(11, 500));
        // a resume runs the cancelled one and the rest
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Summary resumed = runAll(Parallelized.of((Integer i) -> ran.add(i), INPUTS).checkpoint(store, "cancel",
                String::valueOf));
        assertThat(resumed.skipped()).isEqualTo(10);
        assertThat(ran).hasSize(490).contains(10);
    }

    /** A store that works for a while, then fails like a database that went down. */
    static class BreakingStore implements CheckpointStore {
        final CheckpointStore delegate = CheckpointStore.inMemory();
        final AtomicBoolean broken = new AtomicBoolean();
        final AtomicBoolean breakLookups = new AtomicBoolean();
        final AtomicInteger records = new AtomicInteger();
        volatile int breakAfterRecords = Integer.MAX_VALUE;

        private void check() {
            if (broken.get()) {
                throw new IllegalStateException("connection refused");
            }
        }

        @Override
        public long succeeded(String runName) {
            return delegate.succeeded(runName);
        }

        @Override
        public long failedCount(String runName) {
            return delegate.failedCount(runName);
        }

        @Override
        public List<Failure> failed(String runName, int max) {
            return delegate.failed(runName, max);
        }

        @Override
        public void clear(String runName) {
            delegate.clear(runName);
        }

        @Override
        public List<String> runNames() {
            return delegate.runNames();
        }

        @Override
        public Set<String> succeededAmong(String runName, Collection<String> keys) {
            if (breakLookups.get()) {
                check();
            }
            return delegate.succeededAmong(runName, keys);
        }

        @Override
        public void record(String runName, List<Entry> entries) {
            if (records.incrementAndGet() > breakAfterRecords) {
                broken.set(true);
            }
            check();
            delegate.record(runName, entries);
        }

        @Override
        public String toString() {
            return "BreakingStore";
        }
    }

    @Test
    void aStoreThatFailsMidRunEndsTheRunNamingItAndAResumeRunsWhatDidNotSucceed() {
        BreakingStore store = new BreakingStore();
        store.breakAfterRecords = 3;
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<Integer> inputs = IntStream.range(0, 20_000).boxed().toList();
        TaskFunction<Integer, Integer> counted = i -> {
            runs.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            return i;
        };
        List<Outcome<Integer, Integer>> seen = new ArrayList<>();
        Parallelized<Integer, Integer> run = Parallelized.of(counted, inputs).numThreads(4)
                .progress(ProgressReporter.none()).checkpoint(store, "breaks", String::valueOf).start();
        try (run) {
            assertThatThrownBy(() -> run.forEach(seen::add)).isInstanceOf(ParallelizedException.class)
                    .hasMessageContaining("checkpoint store BreakingStore").hasMessageContaining("breaks")
                    .hasMessageContaining("connection refused");
        }
        assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
        Set<String> recorded = store.delegate.succeededAmong("breaks",
                inputs.stream().map(String::valueOf).toList());
        assertThat(recorded).hasSizeLessThanOrEqualTo(3 * CheckpointRecorder.FLUSH_BATCH);
        assertThat(recorded).allMatch(k -> runs.containsKey(Integer.valueOf(k)));

        store.broken.set(false);
        store.breakAfterRecords = Integer.MAX_VALUE;
        Summary resumed = runAll(Parallelized.of(counted, inputs).checkpoint(store, "breaks", String::valueOf));
        assertThat(resumed.skipped()).isEqualTo(recorded.size());
        assertThat(resumed.succeeded()).isEqualTo(20_000 - recorded.size());
        assertThat(runs).hasSize(20_000);
        assertThat(recorded).allMatch(k -> runs.get(Integer.valueOf(k)).get() == 1);
    }

    /**
     * A store that fails only at the run's last write (the final flush, once the consumer took every outcome): the
     * run ends FAILED everywhere it is seen (its summary, the display's and the listeners' onFinish, snapshot and
     * summary alike), the loop throws the store's failure with the store's exception as its cause, and nothing is
     * recorded. The state used to be fixed before that write: the run ended COMPLETED while its loop threw.
     */
    @Test
    void aStoreThatFailsOnlyAtTheLastWriteEndsTheRunFailedEverywhere() {
        long before = CheckpointRecorder.flushIntervalNanos;
        CheckpointRecorder.flushIntervalNanos = TimeUnit.HOURS.toNanos(1); // every outcome waits for the last write
        try {
            IllegalStateException diskFull = new IllegalStateException("disk full");
            BreakingStore store = new BreakingStore() {
                @Override
                public void record(String runName, List<Entry> entries) {
                    records.incrementAndGet();
                    throw diskFull;
                }
            };
            List<String> heard = new CopyOnWriteArrayList<>();
            class Hearing implements ProgressReporter {
                private final String who;

                Hearing(String who) {
                    this.who = who;
                }

                @Override
                public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                    heard.add(who + " " + snapshot.state() + " " + summary.state());
                }
            }
            // fewer than a batch (CheckpointRecorder.FLUSH_BATCH): nothing is written before the end
            List<Integer> inputs = IntStream.range(0, 300).boxed().toList();
            Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, inputs).numThreads(2)
                    .progress(new Hearing("display")).listener(new Hearing("listener"))
                    .checkpoint(store, "last-write", String::valueOf).start();
            List<Outcome<Integer, Integer>> seen = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (run) {
                    assertThatThrownBy(() -> run.forEach(seen::add)).isInstanceOf(ParallelizedException.class)
                            .hasMessageContaining("the checkpoint store BreakingStore failed to record 300 outcomes "
                                    + "of run 'last-write'").hasMessageContaining("disk full").hasCause(diskFull);
                }
            });
            assertThat(seen).hasSize(300).allMatch(Outcome::isSuccess);
            assertThat(store.records).as("writes: the last one only").hasValue(1);
            assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
            assertThat(heard).containsExactly("display FAILED FAILED", "listener FAILED FAILED");
            assertThat(store.delegate.succeeded("last-write")).isZero();
        } finally {
            CheckpointRecorder.flushIntervalNanos = before;
        }
    }

    /** A store of one's own whose toString() throws, as a proxy or a half-built client may. */
    static final class NamelessStore extends BreakingStore {
        @Override
        public String toString() {
            throw new IllegalStateException("no name");
        }
    }

    /**
     * A store whose toString() throws still fails the run when it fails, named by its type: the failure's message threw
     * instead, and the run ended as if complete, nothing recorded (or, for a lookup, every input run unchecked).
     */
    @Test
    void aFailingStoreWhoseToStringThrowsStillFailsTheRunNamedByItsType() {
        for (boolean lookups : new boolean[] {false, true}) {
            NamelessStore store = new NamelessStore();
            store.broken.set(true);
            store.breakLookups.set(lookups);
            Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, INPUTS).numThreads(2)
                    .progress(ProgressReporter.none()).checkpoint(store, "nameless", String::valueOf).start();
            try (run) {
                assertThatThrownBy(() -> run.forEach(o -> { })).as(lookups ? "a lookup fails" : "a record fails")
                        .isInstanceOf(ParallelizedException.class)
                        .hasMessageContaining("the checkpoint store " + NamelessStore.class.getName()
                                + " (its toString() threw java.lang.IllegalStateException) failed to")
                        .hasMessageContaining("connection refused");
            }
            // a failure of the last write too: the state is fixed after it (it was left COMPLETED)
            assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
        }
    }

    /**
     * A store whose write never returns (H2 once looped for ever in a rollback after a SHUTDOWN, in CI) must not hold
     * the run's close() for ever: the last flush waits for the write in progress a bounded time, then the run fails
     * naming the store and how many outcomes are not recorded.
     */
    @Test
    void aStoreWriteThatNeverReturnsDoesNotHoldTheRunsCloseForEver() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BreakingStore store = new BreakingStore() {
            @Override
            public void record(String runName, List<Entry> entries) {
                writing.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // released at the end of the test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        long before = CheckpointRecorder.finishWaitNanos;
        CheckpointRecorder.finishWaitNanos = TimeUnit.MILLISECONDS.toNanos(300);
        try {
            // fewer than CheckpointRecorder.MAX_UNFLUSHED: the outcomes never wait for the stuck write (they would, by
            // design, until a cancel() or close() from another thread)
            Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, IntStream.range(0, 800).boxed()
                    .toList()).progress(ProgressReporter.none()).checkpoint(store, "stuck", String::valueOf).start();
            List<Outcome<Integer, Integer>> seen = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (run) {
                    // the consumer's last hasNext() finishes the run: it fails, naming the store and what is lost;
                    // the consumer waits at the last outcome for the writer's first write to begin (at a full batch
                    // or the flush interval): a run ended before it would write everything on the consumer's thread,
                    // whose write would never return
                    assertThatThrownBy(() -> run.forEach(o -> {
                        seen.add(o);
                        if (seen.size() == 800) {
                            assertThat(Bounded.awaitQuietly(writing)).as("a write began").isTrue();
                        }
                    })).isInstanceOf(ParallelizedException.class)
                            .hasMessageContaining("checkpoint store BreakingStore failed to finish recording (a write"
                                    + " did not end within 300.0 ms; 800 outcomes not recorded) of run 'stuck'");
                }
            });
            assertThat(seen).hasSize(800);
        } finally {
            release.countDown();
            CheckpointRecorder.finishWaitNanos = before;
        }
    }

    /**
     * An interrupt of the consumer stops the run and keeps the consumer's flag; the run's last flush, on that thread,
     * still writes what is buffered. It used to fail the store at once ("a write did not end within 0:01:00", a timed
     * tryLock throws on an interrupted thread), every buffered outcome unrecorded: the successes the consumer had seen
     * ran again on a resume.
     */
    @Test
    void anInterruptedConsumerStillRecordsTheSuccessesItSaw() {
        CheckpointStore store = CheckpointStore.inMemory();
        List<String> seen = new ArrayList<>();
        Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, INPUTS).numThreads(2)
                .progress(ProgressReporter.none()).checkpoint(store, "interrupted", String::valueOf).start();
        try {
            try (run) {
                assertThatThrownBy(() -> {
                    for (Outcome<Integer, Integer> o : run) {
                        seen.add(String.valueOf(o.input()));
                        if (seen.size() == 10) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).isInstanceOf(java.util.concurrent.CancellationException.class);
            }
            assertThat(Thread.currentThread().isInterrupted()).as("the consumer's interrupt is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(run.summary().state()).isEqualTo(RunState.CANCELLED);
        assertThat(store.succeededAmong("interrupted", seen)).as("the successes the consumer saw, recorded")
                .containsExactlyInAnyOrderElementsOf(seen);
    }

    /**
     * A stop interrupts the engine's reading thread; a store may report that interrupt as its own failure (Hazelcast's
     * getAll did). That is no failure of the store: the run ends cancelled, not failed, and the outcomes recorded
     * before the stop stay recorded (the store's failure clears what waits to be written, and a resume then found
     * nothing to skip).
     */
    @Test
    void aLookupEndedByTheStopIsNoFailureOfTheStoreAndLosesNoRecord() throws Exception {
        AtomicBoolean blockLookups = new AtomicBoolean();
        CountDownLatch lookupBlocked = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        BreakingStore store = new BreakingStore() {
            @Override
            public Set<String> succeededAmong(String runName, Collection<String> keys) {
                if (!blockLookups.get()) {
                    return super.succeededAmong(runName, keys);
                }
                lookupBlocked.countDown();
                try {
                    cancelled.await(20, TimeUnit.SECONDS);
                    throw new IllegalStateException("the lookup's connection was closed by the stop");
                } catch (InterruptedException e) {
                    throw new IllegalStateException("the lookup was interrupted", e);
                }
            }
        };
        List<Integer> inputs = IntStream.range(0, 50_000).boxed().toList();
        Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, inputs).numThreads(2)
                .progress(ProgressReporter.none()).checkpoint(store, "stopped", String::valueOf).start();
        // the run is cancelled while a lookup is under way (on whichever thread makes it), which then fails
        Thread canceller = new Thread(() -> {
            try {
                if (lookupBlocked.await(20, TimeUnit.SECONDS)) {
                    run.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                cancelled.countDown();
            }
        });
        canceller.start();
        long succeeded = 0;
        try (run) {
            for (Outcome<Integer, Integer> outcome : run) {
                succeeded += outcome.isSuccess() ? 1 : 0;
                if (succeeded == 10) {
                    blockLookups.set(true); // a later lookup blocks until the run is cancelled
                }
            }
        }
        Bounded.join(canceller);
        assertThat(lookupBlocked.getCount()).as("a lookup was under way at the stop").isZero();
        assertThat(run.summary().state()).isEqualTo(RunState.CANCELLED);
        assertThat(succeeded).isGreaterThanOrEqualTo(10);
        assertThat(store.delegate.succeeded("stopped")).as("every success recorded").isEqualTo(succeeded);
    }

    @Test
    void aStoreThatFailsToLookUpEndsTheRunAndLosesNoInput() {
        BreakingStore store = new BreakingStore();
        store.record("lookup", List.of(CheckpointStore.Entry.success("0", 1)));
        store.breakLookups.set(true);
        store.broken.set(true);
        List<Outcome<Integer, Integer>> seen = new ArrayList<>();
        List<Integer> remaining;
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, INPUTS)
                .progress(ProgressReporter.none()).checkpoint(store, "lookup", String::valueOf).start()) {
            assertThatThrownBy(() -> run.forEach(seen::add)).isInstanceOf(ParallelizedException.class)
                    .hasMessageContaining("BreakingStore").hasMessageContaining("look up");
            remaining = Remaining.of(run);
        }
        List<Integer> all = new ArrayList<>(seen.stream().map(Outcome::input).toList());
        all.addAll(remaining);
        // unchecked once the store failed: nothing is lost, the one that succeeded before may come back
        assertThat(all).containsAll(INPUTS.subList(1, 500));
        assertThat(seen).noneMatch(o -> o.isSuccess() && !o.input().equals(o.result()));
    }

    @Test
    void aStoreThatRecordsSlowlySetsThePaceButNeverLosesAnOutcome() {
        CheckpointStore fast = CheckpointStore.inMemory();
        AtomicInteger calls = new AtomicInteger();
        CheckpointStore slow = new BreakingStore() {
            @Override
            public void record(String runName, List<Entry> entries) {
                calls.incrementAndGet();
                assertThat(entries).hasSizeLessThanOrEqualTo(CheckpointRecorder.FLUSH_BATCH);
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                fast.record(runName, entries);
            }
        };
        Summary summary = runAll(Parallelized.of((Integer i) -> i, IntStream.range(0, 20_000).boxed().toList())
                .numThreads(4).checkpoint(slow, "slow", String::valueOf));
        assertThat(summary.succeeded()).isEqualTo(20_000);
        assertThat(fast.succeeded("slow")).isEqualTo(20_000);
        assertThat(calls.get()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void outcomesAreWrittenWhileTheRunGoesOnNotOnlyAtTheEnd() throws Exception {
        CheckpointStore store = CheckpointStore.inMemory();
        CountDownLatch release = new CountDownLatch(1);
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
                    if (i == 99) {
                        Bounded.await(release);
                    }
                    return i;
                }, IntStream.range(0, 100).boxed().toList()).numThreads(2).progress(ProgressReporter.none())
                .checkpoint(store, "interval", String::valueOf).start()) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> store.succeeded("interval") == 99);
            release.countDown();
            run.forEach(o -> { });
        }
        assertThat(store.succeeded("interval")).isEqualTo(100);
    }

    @Test
    void noCheckpointThreadOutlivesTheRun() {
        runAll(Parallelized.of((Integer i) -> i, INPUTS).checkpoint(CheckpointStore.inMemory(), "threads",
                String::valueOf));
        Threads.awaitNoneNamed("parallelized-checkpoint-");
    }

    @Test
    void theKeyFunctionRunsOncePerInputReadSkippedOrRun() {
        CheckpointStore store = CheckpointStore.inMemory();
        runAll(Parallelized.of((Integer i) -> i, INPUTS.subList(0, 200)).checkpoint(store, "once", String::valueOf));
        AtomicInteger calls = new AtomicInteger();
        Function<Integer, String> counted = i -> {
            calls.incrementAndGet();
            return String.valueOf(i);
        };
        Summary resumed = runAll(Parallelized.<Integer, Integer>of(i -> {
            if (i % 7 == 0) {
                throw new IOException("seven");
            }
            return i;
        }, INPUTS).numThreads(4).checkpoint(store, "once", counted));
        assertThat(resumed.skipped()).isEqualTo(200);
        assertThat(store.succeeded("once")).isEqualTo(200 + 300 - (int) IntStream.range(200, 500)
                .filter(i -> i % 7 == 0).count());
        assertThat(calls.get()).isEqualTo(INPUTS.size());

        calls.set(0);
        try (Parallelized<Integer, Integer> run = Parallelized.ofAsync((Integer i) ->
                        CompletableFuture.completedFuture(i), INPUTS).progress(ProgressReporter.none())
                .checkpoint(CheckpointStore.inMemory(), "once-async", counted).start()) {
            run.forEach(o -> { });
        }
        assertThat(calls.get()).isEqualTo(INPUTS.size());
    }

    @Test
    void aSourceThatBlocksNeverHoldsTheInputsReadBeforeIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean waitedInVain = new AtomicBoolean();
        Iterator<Integer> source = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                if (next < 10) {
                    return true;
                }
                try {
                    // blocks after ten fast inputs, until the test has their outcomes (bounded: never hangs)
                    if (!release.await(Bounded.SECONDS, TimeUnit.SECONDS)) {
                        waitedInVain.set(true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };
        List<Integer> seen = new ArrayList<>();
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, source).numThreads(2)
                .progress(ProgressReporter.none()).checkpoint(CheckpointStore.inMemory(), "blocking",
                        String::valueOf).start()) {
            Iterator<Outcome<Integer, Integer>> it = run.iterator();
            for (int i = 0; i < 10; i++) {
                seen.add(it.next().input());
            }
            assertThat(release.getCount()).as("the ten came while the source blocked").isEqualTo(1);
            release.countDown();
            assertThat(it.hasNext()).isFalse();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(waitedInVain).isFalse();
    }
}
