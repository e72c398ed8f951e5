package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** The reordering of {@code ordered()} runs: a ring of the window's size, a map beyond it, gaps at the end. */
class InOrderTest {

    @Test
    void outcomesComeOutInSequenceWhateverOrderTheyArriveIn() {
        for (int window : new int[] {1, 3, 4, 64}) {
            List<Long> seqs = new ArrayList<>(LongStream.range(0, 1_000).boxed().toList());
            Collections.shuffle(seqs, new Random(window)); // further ahead than the ring: the map takes those
            InOrder inOrder = new InOrder(window);
            List<Object> out = new ArrayList<>();
            for (long seq : seqs) {
                for (Object next = inOrder.arrived(seq, seq); next != null; next = inOrder.ready()) {
                    out.add(next);
                }
            }
            assertThat(inOrder.skipToNext()).isNull();
            assertThat(out).as("window %d", window).containsExactlyElementsOf(LongStream.range(0, 1_000).boxed().toList());
        }
    }

    @Test
    void theOutcomesAfterGapsLeftByGivenBackInputsStillComeOut() {
        InOrder inOrder = new InOrder(8);
        assertThat(inOrder.arrived(0, "a")).isEqualTo("a");
        assertThat(inOrder.arrived(3, "d")).isNull(); // 1 and 2 were given back
        assertThat(inOrder.arrived(5, "f")).isNull(); // and 4
        assertThat(inOrder.arrived(100, "far")).isNull(); // beyond the ring
        assertThat(inOrder.ready()).isNull();
        assertThat(inOrder.skipToNext()).isEqualTo("d");
        assertThat(inOrder.ready()).isNull();
        assertThat(inOrder.skipToNext()).isEqualTo("f");
        assertThat(inOrder.skipToNext()).isEqualTo("far");
        assertThat(inOrder.skipToNext()).isNull();
    }
}
