package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;

/** Test helper: the unread rest of a stopped run's source, as a list. */
final class Remaining {

    private Remaining() {
    }

    static <I> List<I> of(Parallelized<I, ?> run) {
        List<I> rest = new ArrayList<>();
        run.remaining().forEachRemaining(rest::add);
        return rest;
    }
}
