package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CheckpointStore} promises; one subclass per store. */
abstract class CheckpointStoreContract {

    private static final AtomicInteger RUNS = new AtomicInteger();

    /** A store, shared by the tests of a class or not: each test uses run names of its own. */
    abstract CheckpointStore store();

    String run;

    @BeforeEach
    void newRunName() {
        run = "run-" + getClass().getSimpleName() + "-" + RUNS.incrementAndGet();
    }

    @Test
    void anUnknownRunHasNothing() {
        assertThat(store().succeeded(run)).isZero();
        assertThat(store().failedCount(run)).isZero();
        assertThat(store().failed(run, 10)).isEmpty();
        assertThat(store().succeededAmong(run, List.of("a", "b"))).isEmpty();
        assertThat(store().runNames()).doesNotContain(run);
        store().clear(run);
    }

    @Test
    void aSuccessIsFinalAndFailuresAddTheirAttempts() {
        CheckpointStore store = store();
        store.record(run, List.of(CheckpointStore.Entry.success("ok", 1),
                CheckpointStore.Entry.failure("bad", 3, new IOException("disk full")),
                CheckpointStore.Entry.failure("later", 1, new IllegalStateException("first"))));
        assertThat(store.succeeded(run)).isEqualTo(1);
        assertThat(store.failedCount(run)).isEqualTo(2);
        assertThat(store.failed(run, 10)).containsExactly(
                new CheckpointStore.Failure("bad", "java.io.IOException", "disk full", 3),
                new CheckpointStore.Failure("later", "java.lang.IllegalStateException", "first", 1));

        store.record(run, List.of(CheckpointStore.Entry.failure("bad", 2, new RuntimeException((String) null)),
                CheckpointStore.Entry.success("later", 1),
                CheckpointStore.Entry.failure("ok", 1, new IOException("too late"))));
        assertThat(store.succeeded(run)).isEqualTo(2);
        assertThat(store.failed(run, 10)).containsExactly(
                new CheckpointStore.Failure("bad", "java.lang.RuntimeException", null, 5));
        assertThat(store.succeededAmong(run, List.of("ok", "bad", "later", "never"))).containsExactlyInAnyOrder(
                "ok", "later");
        assertThat(store.runNames()).contains(run);
    }

    @Test
    void failuresComeOrderedByKeyUpToMax() {
        List<CheckpointStore.Entry> entries = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            entries.add(CheckpointStore.Entry.failure("k" + i, 1, new IOException("no " + i)));
        }
        store().record(run, entries);
        assertThat(store().failed(run, 3)).extracting(CheckpointStore.Failure::key).containsExactly("k0", "k1", "k2");
        assertThat(store().failed(run, 0)).isEmpty();
        assertThatThrownBy(() -> store().failed(run, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max");
    }

    @Test
    void runsAreKeptApartAndClearedOneByOne() {
        String other = run + "-other";
        store().record(run, List.of(CheckpointStore.Entry.success("a", 1)));
        store().record(other, List.of(CheckpointStore.Entry.success("a", 1)));
        store().clear(run);
        assertThat(store().succeeded(run)).isZero();
        assertThat(store().succeededAmong(other, List.of("a"))).containsExactly("a");
        assertThat(store().runNames()).contains(other).doesNotContain(run);
    }

    @Test
    void lookupsTakeLargeBatchesAndAnyCharacters() {
        List<String> keys = IntStream.range(0, 3_000).mapToObj(i -> "key '" + i + "' \u00e9\u6f22;--").toList();
        List<CheckpointStore.Entry> entries = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 2) {
            entries.add(CheckpointStore.Entry.success(keys.get(i), 1));
        }
        for (int from = 0; from < entries.size(); from += 500) {
            store().record(run, entries.subList(from, Math.min(entries.size(), from + 500)));
        }
        store().record(run, List.of(CheckpointStore.Entry.success("", 1)));
        assertThat(store().succeededAmong(run, keys)).hasSize(1_500).allMatch(k -> keys.indexOf(k) % 2 == 0);
        assertThat(store().succeededAmong(run, List.of("", "x"))).containsExactly("");
        assertThat(store().succeeded(run)).isEqualTo(1_501);
    }

    @Test
    void aRunResumesThroughTheStore() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        TaskFunction<Integer, Integer> failOddOnce = i -> {
            int n = runs.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            if (i % 2 == 1 && n == 1) {
                throw new IOException("odd " + i);
            }
            return i;
        };
        List<Integer> inputs = IntStream.range(0, 2_000).boxed().toList();
        Summary first = CheckpointTest.runAll(Parallelized.of(failOddOnce, inputs)
                .checkpoint(store(), run, String::valueOf));
        assertThat(first.succeeded()).isEqualTo(1_000);
        assertThat(first.failed()).isEqualTo(1_000);
        assertThat(store().succeeded(run)).isEqualTo(1_000);
        assertThat(store().failedCount(run)).isEqualTo(1_000);
        assertThat(store().failed(run, 2)).containsExactly(
                new CheckpointStore.Failure("1", "java.io.IOException", "odd 1", 1),
                new CheckpointStore.Failure("1001", "java.io.IOException", "odd 1001", 1));

        Summary second = CheckpointTest.runAll(Parallelized.of(failOddOnce, inputs)
                .checkpoint(store(), run, String::valueOf));
        assertThat(second.skipped()).isEqualTo(1_000);
        assertThat(second.succeeded()).isEqualTo(1_000);
        assertThat(second.failed()).isZero();
        assertThat(runs.values()).allMatch(n -> n.get() <= 2);
        assertThat(store().succeeded(run)).isEqualTo(2_000);
        assertThat(store().failed(run, 10)).isEmpty();

        Summary third = CheckpointTest.runAll(Parallelized.of(failOddOnce, inputs)
                .checkpoint(store(), run, String::valueOf));
        assertThat(third.skipped()).isEqualTo(2_000);
        assertThat(third.total()).isZero();
    }

    @Test
    void errorsWithANulAndKeysNoStoreHoldsFailTheirInputsOnlyAndTheRunGoesOn() {
        // an error message with a NUL (PostgreSQL refuses it in text: the batch, and so the run, failed), a key
        // longer than the column (cut by H2's cast, so that two keys sharing 1,000 characters shared a success; refused
        // by PostgreSQL) and a key with a NUL
        String longKey = "k".repeat(1_001);
        List<Outcome<Integer, Object>> outcomes = CheckpointTest.outcomes(Parallelized.of((Integer i) -> {
            throw new IOException("byte \u0000 at " + i);
        }, IntStream.range(0, 20).boxed().toList()).checkpoint(store(), run,
                i -> i == 7 ? longKey : i == 8 ? "nul \u0000 key" : String.valueOf(i)));
        assertThat(outcomes).hasSize(20);
        assertThat(outcomes).filteredOn(o -> o.input() == 7).singleElement().satisfies(o -> assertThat(o.error())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the checkpoint key function of run '" + run + "' returned a key that cannot be recorded "
                        + "for this input: the key is 1001 characters long: at most 1000 are allowed"));
        assertThat(outcomes).filteredOn(o -> o.input() == 8).singleElement().satisfies(o -> assertThat(o.error())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL"));
        assertThat(outcomes).filteredOn(o -> o.input() != 7 && o.input() != 8)
                .allMatch(o -> o.error() instanceof IOException);
        assertThat(store().failedCount(run)).isEqualTo(18);
        assertThat(store().failed(run, 1)).containsExactly(
                new CheckpointStore.Failure("0", "java.io.IOException", "byte \ufffd at 0", 1));
        assertThat(store().succeededAmong(run, List.of(longKey.substring(0, 1_000)))).isEmpty();
    }

    @Test
    void aRunNameNoStoreHoldsIsRefusedAtTheBuilder() {
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, List.of(1)).checkpoint(store(), "r".repeat(201),
                String::valueOf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runName must be at most 200 characters, without a NUL character (a checkpoint store's "
                        + "column), was 201 characters long");
        assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, List.of(1)).checkpoint(store(), "a\u0000b",
                String::valueOf)).isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("with a NUL");
        assertThat(Parallelized.of((Integer i) -> i, List.of(1)).checkpoint(store(), "r".repeat(200), String::valueOf))
                .isNotNull();
    }
}
