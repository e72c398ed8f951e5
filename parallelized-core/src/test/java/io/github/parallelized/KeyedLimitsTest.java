package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class KeyedLimitsTest {

    private static final long MS = 1_000_000L;

    @Test
    void eachKeyHasALimitOfItsOwn() {
        KeyedLimits<String> limits = new KeyedLimits<>(s -> s.substring(0, 1), TaskLimit.concurrency(1));
        KeyedLimits.Entry a1 = limits.pin("a1");
        KeyedLimits.Entry a2 = limits.pin("a2");
        KeyedLimits.Entry b1 = limits.pin("b1");
        assertThat(a1.limit()).isSameAs(a2.limit()).isNotSameAs(b1.limit());
        assertThat(a1.key()).isEqualTo("a");
        assertThat(a1.limit().tryAcquire(0)).isZero();
        assertThat(a2.limit().tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(b1.limit().tryAcquire(0)).isZero();
    }

    @Test
    void aHundredThousandDistinctKeysLeaveABoundedMap() {
        AtomicLong clock = new AtomicLong();
        KeyedLimits<Integer> limits = new KeyedLimits<>(Function.identity(),
                TaskLimit.concurrency(2).and(TaskLimit.rate(5, Duration.ofMillis(10))), clock::get);
        int most = 0;
        for (int i = 0; i < 100_000; i++) {
            clock.addAndGet(MS / 10);
            KeyedLimits.Entry entry = limits.pin(i);
            assertThat(entry.limit().tryAcquire(clock.get())).isZero();
            entry.limit().release();
            limits.unpin(entry);
            most = Math.max(most, limits.size());
        }
        // a key is forgotten once its 10 ms window has passed: 100 keys in a window, swept at 1024
        assertThat(most).isLessThanOrEqualTo(KeyedLimits.MIN_SWEEP);
    }

    @Test
    void aKeyInUseOrWithinItsWindowIsNotForgotten() {
        AtomicLong clock = new AtomicLong();
        KeyedLimits<Integer> limits = new KeyedLimits<>(i -> i % 2000,
                TaskLimit.rate(1, Duration.ofSeconds(1)), clock::get);
        KeyedLimits.Entry held = limits.pin(0);
        KeyedLimits.Entry recent = limits.pin(1);
        assertThat(recent.limit().tryAcquire(0)).isZero();
        limits.unpin(recent);
        for (int i = 2; i < 2000; i++) {
            limits.unpin(limits.pin(i));
        }
        limits.sweep();
        assertThat(limits.pin(0).limit()).as("pinned").isSameAs(held.limit());
        assertThat(limits.pin(1).limit()).as("a start within its window").isSameAs(recent.limit());
        assertThat(limits.size()).isEqualTo(2);
        clock.set(1_000 * MS);
        limits.unpin(held);
        limits.unpin(held);
        limits.unpin(recent);
        limits.sweep();
        assertThat(limits.size()).as("both idle now").isZero();
        assertThat(limits.pin(1).limit()).as("forgotten and made again").isNotSameAs(recent.limit());
    }

    /** A key that lies only sometimes: its hashCode() throws while {@code lying} is set. */
    private record SometimesLying(int id, java.util.concurrent.atomic.AtomicBoolean lying) {
        @Override
        public int hashCode() {
            if (lying.get()) {
                throw new IllegalStateException("hashCode lies now");
            }
            return id;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SometimesLying key && key.id == id;
        }
    }

    @Test
    void aKeyWhoseHashCodeThrowsWhileItIsSweptIsFoundAgainLater() {
        AtomicLong clock = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean lying = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean never = new java.util.concurrent.atomic.AtomicBoolean();
        KeyedLimits<Integer> limits = new KeyedLimits<>(i -> new SometimesLying(i, i == 7 ? lying : never),
                TaskLimit.rate(1, Duration.ofSeconds(1)), clock::get);
        KeyedLimits.Entry first = limits.pin(7);
        assertThat(first.limit().tryAcquire(0)).isZero();
        limits.unpin(first);
        KeyedLimits.Entry honest = limits.pin(8);
        limits.unpin(honest);
        clock.set(2_000 * MS); // both idle now
        lying.set(true);
        limits.sweep(); // cannot remove the liar (its hashCode throws), removes the other, and does not throw
        assertThat(limits.size()).isEqualTo(1);
        lying.set(false);
        // the liar's entry is back in service: an input of its key pins it at once (it waited for ever before)
        KeyedLimits.Entry again = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> limits.pin(7));
        assertThat(again.error()).isNull();
        assertThat(again.limit()).isSameAs(first.limit());
        limits.unpin(again);
    }

    @Test
    void aKeyFunctionThatThrowsOrAnswersNullFailsThatInputOnly() {
        KeyedLimits<String> limits = new KeyedLimits<>(s -> {
            if (s.equals("boom")) {
                throw new IllegalStateException("no host in boom");
            }
            return s.equals("none") ? null : s;
        }, TaskLimit.concurrency(1));
        KeyedLimits.Entry boom = limits.pin("boom");
        assertThat(boom.limit()).isNull();
        assertThat(boom.error()).isInstanceOf(ParallelizedException.class)
                .hasMessage("the limitPerKey key function threw: IllegalStateException: no host in boom")
                .hasCauseInstanceOf(IllegalStateException.class);
        KeyedLimits.Entry none = limits.pin("none");
        assertThat(none.error()).hasMessageContaining("the limitPerKey key function returned null");
        limits.unpin(boom);
        assertThat(limits.pin("fine").error()).isNull();
        assertThat(limits.size()).isEqualTo(1);
    }

    @Test
    void runsGivenOneTemplateShareEachKeysCopy() {
        TaskLimit template = TaskLimit.concurrency(1);
        KeyedLimits<String> run1 = new KeyedLimits<>(s -> s, template);
        KeyedLimits<Integer> run2 = new KeyedLimits<>(i -> "host" + i, template);
        assertThat(run1.pin("host1").limit()).isSameAs(run2.pin(1).limit());
        assertThat(new KeyedLimits<String>(s -> s, TaskLimit.concurrency(1)).pin("host1").limit())
                .isNotSameAs(run2.pin(1).limit());
    }

    @Test
    void theInputsOfAKeyInOneRunShareOneCombinedLimit() {
        TaskLimit runLimit = TaskLimit.concurrency(10);
        TaskLimit perKey = TaskLimit.concurrency(1);
        RunLimits<String> limits = RunLimits.of(runLimit, s -> s.substring(0, 1), perKey);
        TaskLimit a1 = limits.slot("a1").limit();
        assertThat(limits.slot("a2").limit()).isSameAs(a1);
        assertThat(limits.slot("b1").limit()).isNotSameAs(a1);
        RunLimits<String> otherRun = RunLimits.of(TaskLimit.concurrency(5), s -> s.substring(0, 1), perKey);
        assertThat(otherRun.slot("a3").limit()).isNotSameAs(a1);
        assertThat(a1.tryAcquire(0)).isZero();
        assertThat(otherRun.slot("a4").limit().tryAcquire(0)).as("the key's copy is shared by both runs")
                .isEqualTo(TaskLimit.ON_RELEASE);
    }

    @Test
    void aNullKeyFunctionOrLimitIsRefused() {
        assertThatThrownBy(() -> new KeyedLimits<String>(null, TaskLimit.concurrency(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> new KeyedLimits<String>(s -> s, null))
                .isInstanceOf(NullPointerException.class).hasMessage("limit");
    }

    @Test
    void sweepsRacingWithPinsNeverGiveOneKeyTwoLimits() throws Exception {
        KeyedLimits<Integer> limits = new KeyedLimits<>(i -> i % 3000, TaskLimit.concurrency(1));
        AtomicInteger[] running = new AtomicInteger[3000];
        for (int i = 0; i < running.length; i++) {
            running[i] = new AtomicInteger();
        }
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 200_000; i++) {
                        int input = i * 7 + offset;
                        KeyedLimits.Entry entry = limits.pin(input);
                        if (entry.limit().tryAcquire(0) == 0) {
                            if (running[input % 3000].incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            running[input % 3000].decrementAndGet();
                            entry.limit().release();
                        }
                        limits.unpin(entry);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
    }
}
