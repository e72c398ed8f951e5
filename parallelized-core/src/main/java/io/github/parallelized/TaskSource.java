package io.github.parallelized;

import java.util.Collection;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/** The run's inputs: an iterator read under a lock by the workers, its size if known, and how to close it. */
final class TaskSource<I> {

    private final Iterator<? extends I> iterator;
    private final long size;
    private final AutoCloseable onClose;
    /**
     * Whether a run took this source. Guarded by this: a lock, not an AtomicBoolean, whose first compare-and-set in
     * a JVM links the var handle machinery (half a millisecond of a cold start()).
     */
    private boolean claimed;
    /** Inputs read from the source and left out by a checkpoint: they never become outcomes. Null: none. */
    private final LongSupplier skipped;

    private TaskSource(Iterator<? extends I> iterator, long size, AutoCloseable onClose) {
        this(iterator, size, onClose, null);
    }

    private TaskSource(Iterator<? extends I> iterator, long size, AutoCloseable onClose,
                       LongSupplier skipped) {
        this.iterator = iterator;
        this.size = size;
        this.onClose = onClose;
        this.skipped = skipped;
    }

    /** This source read through {@code filter} (a checkpoint's), which counts what it leaves out; already claimed. */
    TaskSource<I> filtered(Iterator<? extends I> filter, LongSupplier leftOut) {
        TaskSource<I> filtered = new TaskSource<>(filter, size, onClose, leftOut);
        filtered.claimed = true; // a new source, not yet shared
        return filtered;
    }

    long skipped() {
        return skipped == null ? 0 : skipped.getAsLong();
    }

    static <I> TaskSource<I> of(Iterable<? extends I> tasks) {
        long size = tasks instanceof Collection<?> c ? c.size() : -1;
        return new TaskSource<>(new LazyIterator<>(tasks), size, null);
    }

    static <I> TaskSource<I> of(Iterator<? extends I> tasks) {
        return new TaskSource<>(tasks, -1, null);
    }

    static <I> TaskSource<I> of(Stream<? extends I> tasks) {
        Spliterator<? extends I> spliterator = tasks.spliterator();
        long size = spliterator.hasCharacteristics(Spliterator.SIZED) ? spliterator.getExactSizeIfKnown() : -1;
        return new TaskSource<>(java.util.Spliterators.iterator(spliterator), size, tasks);
    }

    synchronized TaskSource<I> claim() {
        if (claimed) {
            throw new IllegalStateException("start() was already called on this builder: a run's task source "
                    + "can be read only once; call Parallelized.of(...) again for a new run");
        }
        claimed = true;
        return this;
    }

    Iterator<? extends I> iterator() {
        return iterator;
    }

    long size() {
        return size;
    }

    /**
     * Under the read lock, with {@code read} inputs read: whether a source of known size was read to its end, asked
     * at once rather than at the next read, which the run's loops would queue for (thousands, on virtual threads).
     * The size is not trusted: the source says whether it has more.
     */
    boolean endsAt(long read) {
        return size >= 0 && read >= size && !iterator.hasNext();
    }

    void close() throws Exception {
        if (onClose != null) {
            onClose.close();
        }
    }

    /** Asks the Iterable for its iterator on the first read, on a worker, so start() stays cheap. */
    private static final class LazyIterator<I> implements Iterator<I> {
        private final Iterable<? extends I> iterable;
        private Iterator<? extends I> delegate;

        LazyIterator(Iterable<? extends I> iterable) {
            this.iterable = iterable;
        }

        private Iterator<? extends I> delegate() {
            if (delegate == null) {
                delegate = iterable.iterator();
            }
            return delegate;
        }

        @Override
        public boolean hasNext() {
            return delegate().hasNext();
        }

        @Override
        public I next() {
            return delegate().next();
        }
    }
}
