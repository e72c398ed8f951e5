package io.github.parallelized;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The source's unread rest, for {@link Parallelized#remaining()}: first the admitted inputs that a stop gave back
 * unstarted (in source order), then inputs read while the run stopped (never admitted), then the source itself,
 * read on the caller's thread under the read lock.
 */
final class Unread<I> {

    private final TaskSource<I> source;
    private final Cursor cursor;
    private final ReentrantLock reading;
    /** Given back by {@link #giveBack}, with their sequence numbers; guarded by itself, never across a callback. */
    private final List<Given<I>> given = new ArrayList<>();
    /** How many admitted inputs were given back: they never come out. */
    private volatile long givenBack;
    /** Inputs read but not admitted (the run stopped meanwhile), first in the rest; under the read lock. */
    private final LinkedList<I> unadmitted = new LinkedList<>();

    Unread(TaskSource<I> source, Cursor cursor, ReentrantLock reading) {
        this.source = source;
        this.cursor = cursor;
        this.reading = reading;
    }

    /** An admitted input given back at a stop, with its sequence number. */
    private record Given<I>(long seq, I input) {
    }

    /** Takes the inputs of the claim that no worker started; returns how many. */
    int giveBack(Claim<I> claim) {
        synchronized (given) {
            int taken = claim.takeRest((seq, input) -> given.add(new Given<>(seq, input)));
            givenBack += taken;
            return taken;
        }
    }

    /** How many admitted inputs were given back. */
    long givenBack() {
        return givenBack;
    }

    /** Under the read lock: an input read while the run stopped, not admitted. */
    void notAdmitted(I input) {
        unadmitted.add(input);
    }

    /** The unread rest, read on the caller's thread under the read lock. */
    Iterator<I> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                reading.lock();
                try {
                    takeGivenBack();
                    if (!unadmitted.isEmpty()) {
                        return true;
                    }
                    if (cursor.drained || !source.iterator().hasNext()) {
                        cursor.drained = true;
                        return false;
                    }
                    unadmitted.add(source.iterator().next());
                    return true;
                } finally {
                    reading.unlock();
                }
            }

            @Override
            public I next() {
                reading.lock();
                try {
                    if (!hasNext()) {
                        throw new NoSuchElementException("the source has no more inputs");
                    }
                    return unadmitted.removeFirst();
                } finally {
                    reading.unlock();
                }
            }
        };
    }

    /** Under the read lock: the inputs given back come first in the unread rest, in their source order. */
    private void takeGivenBack() {
        synchronized (given) {
            if (given.isEmpty()) {
                return;
            }
            given.sort(Comparator.comparingLong(Given::seq));
            for (int i = given.size() - 1; i >= 0; i--) {
                unadmitted.addFirst(given.get(i).input());
            }
            given.clear();
        }
    }
}
