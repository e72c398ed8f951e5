package io.github.parallelized;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The inputs of a run that wait for a limit (or for a retry's delay), parked here instead of in a worker: a worker
 * that is refused a permit parks the input and takes another; it takes a parked one back once it is ready.
 *
 * <p>An item is in one of three places: <em>timed</em> (refused by a rate, or backing off before a retry: ready at
 * its due time), <em>on release</em> (refused by a full concurrency limit: ready when that limit gives a permit
 * back; one FIFO per limit, with one wake-up registered on the limit for all of them), or <em>ready</em>.
 * {@link #poll} moves the timed items whose time has come to ready and hands out the oldest ready one. A release
 * of a limit moves as many of its waiters to ready as it has permits free (at least one), so that a hot key with
 * a hundred waiters costs one move per permit, not a hundred. An item made ready that then loses the permit to
 * another run is simply parked again.
 *
 * <p>Waiting: {@link #nanosUntilNext} tells an idle worker how long it may sleep (a rate's next permit is due at a
 * known time; a release comes with a wake-up), {@link #awaitReady} sleeps that long at most, and every item that
 * becomes ready by a release runs the {@code signal} given to the constructor as well, for an engine whose
 * workers sleep elsewhere. {@link #drain} empties everything at once, for cancel: the engine reports each as
 * never started (with the attempts that ran). Thread-safe: one monitor, held briefly, never across a callback of
 * the user; wake-ups from {@link TaskLimit} releases run on the releasing thread.
 *
 * @param <T> what is parked: the engine's per-input state
 */
final class Throttled<T> {

    private final Runnable signal;
    private final Object lock = new Object();
    private final ArrayDeque<T> ready = new ArrayDeque<>();
    private final PriorityQueue<Timed<T>> timed = new PriorityQueue<>();
    private final Map<TaskLimit, ArrayDeque<T>> onRelease = new IdentityHashMap<>();
    private long order;
    /** Items parked or ready; written under the lock, read without it by {@link #isEmpty()}. */
    private volatile int size;
    private boolean drained;

    /** @param signal run after items became ready by a release: wakes a sleeping worker of the engine; cheap */
    Throttled(Runnable signal) {
        this.signal = signal;
    }

    /** Parks an item until {@code dueNanos}: refused by a rate (the wait it was told), or backing off. */
    void parkUntil(T item, long dueNanos) {
        synchronized (lock) {
            if (drained) {
                ready.add(item);
            } else {
                timed.add(new Timed<>(item, dueNanos, order++));
            }
            size++;
            lock.notifyAll();
        }
    }

    /**
     * Parks an item until {@code limit} gives a permit back.
     *
     * @param seenReleases {@link TaskLimit#releases()} read before the refused {@code tryAcquire}: a release in
     *                     between makes the item ready at once
     */
    void parkForRelease(T item, TaskLimit limit, long seenReleases) {
        boolean register;
        synchronized (lock) {
            size++;
            if (drained) {
                ready.add(item);
                return;
            }
            ArrayDeque<T> waiters = onRelease.get(limit);
            register = waiters == null;
            if (register) {
                waiters = new ArrayDeque<>();
                onRelease.put(limit, waiters);
            }
            waiters.add(item);
        }
        if (register && !limit.onRelease(seenReleases, () -> released(limit))) {
            released(limit);
        }
    }

    /**
     * A release of {@code limit} (on the releasing thread, or on a parking one that saw it): as many waiters as
     * there are free permits become ready, at least one; the rest wait for the next release. A loop, not a
     * recursion: releases that keep coming while it registers again are handled here.
     */
    private void released(TaskLimit limit) {
        while (true) {
            long seen = limit.releases();
            int free = Math.max(1, limit.freePermits());
            boolean again;
            synchronized (lock) {
                ArrayDeque<T> waiters = onRelease.get(limit);
                if (waiters == null) {
                    return;
                }
                for (int i = 0; i < free && !waiters.isEmpty(); i++) {
                    ready.add(waiters.poll());
                }
                again = !waiters.isEmpty();
                if (!again) {
                    onRelease.remove(limit);
                }
                lock.notifyAll();
            }
            signal.run();
            if (!again || limit.onRelease(seen, () -> released(limit))) {
                return;
            }
        }
    }

    /** A ready item, oldest first, or null: first the timed ones whose time has come. */
    T poll(long nowNanos) {
        synchronized (lock) {
            while (!timed.isEmpty() && timed.peek().dueNanos - nowNanos <= 0) {
                ready.add(timed.poll().item);
            }
            T item = ready.poll();
            if (item != null) {
                size--;
            }
            return item;
        }
    }

    /** 0 when an item is ready, else the nanoseconds until the next timed one, or Long.MAX_VALUE (release only). */
    long nanosUntilNext(long nowNanos) {
        if (size == 0) {
            return Long.MAX_VALUE; // without the lock: a worker about to wait for room asks it each time
        }
        synchronized (lock) {
            if (!ready.isEmpty()) {
                return 0;
            }
            return timed.isEmpty() ? Long.MAX_VALUE : Math.max(0, timed.peek().dueNanos - nowNanos);
        }
    }

    /**
     * Sleeps until an item may be ready, at most {@code maxNanos}: for a worker with nothing else to do. Returns at
     * once when one is; an interrupt ends the wait with the flag kept.
     */
    void awaitReady(long nowNanos, long maxNanos) {
        synchronized (lock) {
            long wait = Math.min(maxNanos, ready.isEmpty() ? (timed.isEmpty() ? Long.MAX_VALUE
                    : timed.peek().dueNanos - nowNanos) : 0);
            if (wait <= 0 || drained) {
                return;
            }
            try {
                // spurious wake-ups are fine: the caller polls and comes back
                lock.wait(Math.max(1, wait / 1_000_000), (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether nothing is parked, without the lock: the engine asks before every input, and a lock (and a clock
     * read) per input made a run with a limit a third slower. An item parked meanwhile is seen at the next look.
     */
    boolean isEmpty() {
        return size == 0;
    }

    /** Items parked or ready, not yet polled. */
    int size() {
        synchronized (lock) {
            return size;
        }
    }

    /**
     * Everything not yet polled, in no particular order, for cancel: each input is reported as not started again.
     * Items parked afterwards come out as ready at once (a worker racing the cancel still gets them back).
     */
    List<T> drain() {
        List<T> all;
        synchronized (lock) {
            drained = true;
            all = new ArrayList<>(size);
            all.addAll(ready);
            for (Timed<T> t : timed) {
                all.add(t.item);
            }
            for (ArrayDeque<T> waiters : onRelease.values()) {
                all.addAll(waiters);
            }
            ready.clear();
            timed.clear();
            onRelease.clear();
            size = 0;
            lock.notifyAll();
        }
        return all;
    }

    private record Timed<T>(T item, long dueNanos, long order) implements Comparable<Timed<T>> {
        @Override
        public int compareTo(Timed<T> other) {
            int byTime = Long.compare(dueNanos - other.dueNanos, 0);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
