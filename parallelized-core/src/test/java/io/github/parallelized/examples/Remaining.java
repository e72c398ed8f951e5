package io.github.parallelized.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/** The guide's cancel example: outcomes plus remaining() are exactly the inputs. */
final class Remaining {

    private Remaining() {
    }

    /** Cancels at once; returns the outcomes and the inputs to retry later. */
    static List<Object> cancelEarly() {
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        List<Integer> retryLater = new ArrayList<>();
        Stream<Integer> inputs = IntStream.range(0, 1_000_000).boxed();
        try (Parallelized<Integer, Integer> par = Parallelized.of((Integer x) -> x * 2, inputs)
                .numThreads(2).progress(ProgressReporter.none()).start()) {
            // tag::cancel-remaining[]
            par.cancel();                                          // from any thread, at any time
            for (Outcome<Integer, Integer> o : par) {            // at most maxInFlight more, then the loop ends
                outcomes.add(o);
            }
            par.remaining().forEachRemaining(retryLater::add);   // before close(), which closes a Stream source
            // end::cancel-remaining[]
        }
        return List.of(outcomes, retryLater);
    }
}
