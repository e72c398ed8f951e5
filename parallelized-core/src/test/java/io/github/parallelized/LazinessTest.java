package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class LazinessTest {

    /** An endless source that counts how far it has been read. */
    static final class Counting implements Iterator<Long> {
        final AtomicLong pulled = new AtomicLong();

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Long next() {
            return pulled.incrementAndGet();
        }
    }

    @Test
    void inputsArePulledOnlyAsTheWindowFreesUp() {
        Counting source = new Counting();
        try (var par = Parallelized.of((Long i) -> i, source).numThreads(2).maxInFlight(5)
                .progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Long, Long>> outcomes = par.iterator();
            await().atMost(Duration.ofSeconds(10)).until(() -> par.progress().completed() == 5);
            assertThat(source.pulled).hasValue(5); // nothing consumed: the window is full
            for (int i = 0; i < 3; i++) {
                outcomes.next();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> par.progress().completed() == 8);
            assertThat(source.pulled).hasValue(8);
            assertThat(par.progress().total()).isEqualTo(-1);
        }
    }

    @Test
    void aSizedStreamGivesTheTotalAndAnUnsizedOneDoesNot() {
        try (var par = Parallelized.of((Integer i) -> i, IntStream.range(0, 10).boxed())
                .progress(ProgressReporter.none()).start()) {
            assertThat(par.progress().total()).isEqualTo(10);
            assertThat(par.stream().count()).isEqualTo(10);
        }
        try (var par = Parallelized.of((Integer i) -> i, Stream.iterate(0, i -> i < 10, i -> i + 1))
                .progress(ProgressReporter.none()).start()) {
            assertThat(par.progress().total()).isEqualTo(-1);
            assertThat(par.stream().count()).isEqualTo(10);
        }
        try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2).iterator()).total(2)
                .progress(ProgressReporter.none()).start()) {
            assertThat(par.progress().total()).isEqualTo(2);
            par.forEach(o -> { });
        }
    }

    @Test
    void theSourceStreamIsClosedWithTheRun() {
        AtomicLong closed = new AtomicLong();
        try (var par = Parallelized.of((Long i) -> i, LongStream.range(0, 10).boxed().onClose(closed::incrementAndGet))
                .progress(ProgressReporter.none()).start()) {
            par.forEach(o -> { });
        }
        assertThat(closed).hasValue(1);
    }

    /**
     * The memory of a run stays flat however many inputs it takes: the used heap after a full GC is measured
     * after 200,000 and after 1,000,000 generated inputs with the same window; a run that kept anything per
     * input (about 100 bytes each) would grow by tens of megabytes in between.
     */
    @Test
    void memoryStaysFlatOverALongLazyStream() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long early = 0;
        long late = 0;
        try (var par = Parallelized.of((Long i) -> i, LongStream.range(0, 1_000_000).boxed())
                .numThreads(2).progress(ProgressReporter.none()).start()) {
            long seen = 0;
            for (Outcome<Long, Long> o : par) {
                seen++;
                if (seen == 200_000) {
                    early = usedAfterGc(memory);
                } else if (seen == 999_990) {
                    late = usedAfterGc(memory);
                }
            }
            assertThat(seen).isEqualTo(1_000_000);
        }
        assertThat(late - early).as("heap growth between 200k and 1M inputs, bytes").isLessThan(8L << 20);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
