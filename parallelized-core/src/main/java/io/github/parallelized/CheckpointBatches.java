package io.github.parallelized;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The batches of a checkpointed run's inputs, read ahead of the engine ({@link CheckpointReader}) and handed over in
 * source order ({@link Checkpointing}). A batch of up to {@link #LOOKUP_BATCH} inputs is looked up ({@link
 * CheckpointLookup}) once it is full, by whichever thread gets to it first: the engine's reading thread (in {@link
 * #take}, under the engine's read lock) or the reader while it may not read further (at most {@link #MAX_AHEAD}
 * inputs ahead, {@link #forReader}). So reading and two lookups run at once, and batches are handed over in order.
 *
 * <p>A slow or blocking source: an input read is in a batch at once, never held by the reading thread; the engine's
 * thread waits at most {@link #HANDOFF_NANOS} for the batch of the oldest input read to fill, then looks up the batch
 * as it is. So an input read reaches a worker within about that, whatever the next read does.
 *
 * <p>Thread-safe: everything is guarded by this object's monitor, except a batch's inputs while one thread looks
 * them up.
 */
final class CheckpointBatches<I> {

    /** Inputs looked up in one call of the store, at most. */
    static final int LOOKUP_BATCH = 1_024;
    /** Inputs read ahead of the engine, at most: read, being looked up, or passed on and not yet taken. */
    static final int MAX_AHEAD = 4 * LOOKUP_BATCH;
    /**
     * An input read waits at most this long for its batch to fill before the engine's reading thread looks up the
     * batch as it is: whatever the source's next read does, an input read reaches a worker within this plus a lookup.
     */
    static final long HANDOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final CheckpointLookup<I> lookup;
    private final ArrayDeque<CheckpointBatch<I>> batches = new ArrayDeque<>();
    /** Inputs in {@link #batches}. */
    private int ahead;
    /** The source said it has no more, or failed (then as the failure of the last batch). */
    private boolean drained;
    private boolean readerEnded;
    /** The run finished: the reader reads nothing more. */
    private boolean stopReading;
    /** The engine's thread waits for a batch: the reader wakes it at the first input of a batch. */
    private boolean takerWaiting;
    /** Inputs skipped: written under this monitor, read by progress from any thread. */
    private volatile long skipped;

    CheckpointBatches(CheckpointLookup<I> lookup) {
        this.lookup = lookup;
    }

    /** The inputs skipped so far: found succeeded, or duplicates of a key in flight. */
    long skipped() {
        return skipped;
    }

    /** A duplicate was skipped when the engine took it. */
    synchronized void skippedOne() {
        skipped++;
    }

    /**
     * The engine's reading thread: the next batch in source order, looked up (on this thread when one waits for it),
     * removed; null once the source has no more. Once the reader ended with nothing read, {@code readHere} reads on
     * this thread (for {@link Parallelized#remaining()}). Waits only for the reader (bounded by the source's read)
     * and for a lookup of the reader (bounded by the store's).
     */
    CheckpointBatch<I> take(Runnable readHere) {
        boolean interrupted = false;
        try {
            while (true) {
                CheckpointBatch<I> mine = null;
                boolean here = false;
                synchronized (this) {
                    CheckpointBatch<I> head = batches.peekFirst();
                    if (head != null && head.state == CheckpointBatch.DONE) {
                        batches.removeFirst();
                        ahead -= head.inputs.size();
                        notifyAll(); // room for the reader
                        return head;
                    }
                    if (head == null && drained) {
                        return null;
                    }
                    mine = claimClosed();
                    if (mine == null && head != null && head.state == CheckpointBatch.OPEN && !head.inputs.isEmpty()) {
                        long waited = System.nanoTime() - head.firstRead;
                        if (waited >= HANDOFF_NANOS || readerEnded) {
                            head.state = CheckpointBatch.LOOKING; // the reader is slow or blocked: this one as it is
                            mine = head;
                        } else {
                            interrupted |= waitHere(HANDOFF_NANOS - waited);
                            continue;
                        }
                    }
                    if (mine == null) {
                        if (head == null && readerEnded) {
                            here = true; // the run finished: remaining() reads on this thread
                        } else {
                            takerWaiting = true;
                            try {
                                interrupted |= waitHere(TimeUnit.MILLISECONDS.toNanos(100));
                            } finally {
                                takerWaiting = false;
                            }
                            continue;
                        }
                    }
                }
                if (here) {
                    readHere.run();
                } else {
                    lookUp(mine);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Under this: a timed wait; an interrupt is kept for later (the engine gets its inputs or the source's end). */
    private boolean waitHere(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, nanos));
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** Under this: the oldest batch that is full and waits for its lookup, now claimed; or null. */
    private CheckpointBatch<I> claimClosed() {
        for (CheckpointBatch<I> batch : batches) {
            if (batch.state == CheckpointBatch.CLOSED) {
                batch.state = CheckpointBatch.LOOKING;
                return batch;
            }
        }
        return null;
    }

    /** Under this: the batch that the next input read goes to. */
    private CheckpointBatch<I> openTail() {
        CheckpointBatch<I> tail = batches.peekLast();
        if (tail == null || tail.state != CheckpointBatch.OPEN) {
            tail = new CheckpointBatch<>();
            batches.addLast(tail);
        }
        return tail;
    }

    /** Looks up a claimed batch and marks it done, whatever happens (the lookup never loses an input). */
    void lookUp(CheckpointBatch<I> batch) {
        List<Object> passed = new ArrayList<>(batch.inputs.size());
        long skippedNow = 0;
        try {
            skippedNow = lookup.lookUp(batch.inputs, passed);
        } finally {
            synchronized (this) {
                batch.passed = passed;
                batch.state = CheckpointBatch.DONE;
                skipped += skippedNow;
                notifyAll();
            }
        }
    }

    /** The reader thread is about to start: false when the run finished first (the engine's thread reads then). */
    synchronized boolean readerStarting() {
        if (stopReading) {
            readerEnded = true; // finished before the first read: remaining() reads on its own thread
            return false;
        }
        return true;
    }

    /** The reader thread ended, or never started. */
    synchronized void readerEnded() {
        readerEnded = true;
        notifyAll();
    }

    /** The run finished: the reader reads nothing more (a read under way ends first; its input is kept). */
    synchronized void stopReading() {
        stopReading = true;
        notifyAll();
    }

    /**
     * The reader's turn: waits while it is {@link #MAX_AHEAD} inputs ahead; returns a full batch it claimed to look
     * up, or {@code mayRead} when it may read one more input, or null when it reads no more (the run finished, the
     * source ended, or the reader was interrupted, which nobody does: the engine's thread then reads on).
     */
    synchronized CheckpointBatch<I> forReader(CheckpointBatch<I> mayRead) {
        while (!stopReading && !drained && ahead >= MAX_AHEAD) {
            CheckpointBatch<I> toLookUp = claimClosed();
            if (toLookUp != null) {
                return toLookUp;
            }
            try {
                wait(100);
            } catch (InterruptedException e) {
                return null;
            }
        }
        return stopReading || drained ? null : mayRead;
    }

    /** The reader read an input: into the open batch, closed when full. */
    synchronized void read(I input) {
        CheckpointBatch<I> tail = openTail();
        if (tail.inputs.isEmpty()) {
            tail.firstRead = System.nanoTime();
            if (takerWaiting) {
                notifyAll(); // its wait for this input is now bounded by HANDOFF_NANOS
            }
        }
        tail.inputs.add(input);
        ahead++;
        if (tail.inputs.size() >= LOOKUP_BATCH) {
            tail.state = CheckpointBatch.CLOSED;
            notifyAll();
        }
    }

    /** The source has no more, or failed after the inputs read. */
    synchronized void ended(Throwable failure) {
        drained = true;
        CheckpointBatch<I> tail = batches.peekLast();
        if (failure != null) {
            tail = openTail();
            tail.failure = failure;
        }
        if (tail != null && tail.state == CheckpointBatch.OPEN) {
            tail.state = CheckpointBatch.CLOSED;
        }
        notifyAll();
    }

    /** A batch read by the engine's thread after the run finished ({@code readHere}), to be looked up at once. */
    synchronized void readHere(CheckpointBatch<I> batch, boolean drainedNow) {
        batches.addLast(batch);
        ahead += batch.inputs.size();
        if (drainedNow) {
            drained = true;
        }
    }
}
