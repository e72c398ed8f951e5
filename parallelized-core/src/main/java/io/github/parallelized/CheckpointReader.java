package io.github.parallelized;

import java.util.Iterator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a checkpointed run's source ahead of the engine ({@link Checkpointing}) into {@link CheckpointBatches}: a
 * daemon thread of the run, started at the engine's first read, reads one input at a time, and looks up a full batch
 * while it may not read further. Once the run has finished it stops (a read under way first ends and its input is
 * kept), and the engine's thread reads what {@link Parallelized#remaining()} asks for itself ({@link #readHere}),
 * under {@link #sourceLock}: the source is never read by two threads at once, and inputs come back in source order.
 * A source failure is handed to the batches at its place, after the inputs read before it.
 *
 * <p>Thread-safe: the source is read under {@link #sourceLock}; {@link #start} and {@link #readHere} are called by
 * the engine's reading thread only.
 */
final class CheckpointReader<I> {

    private final Iterator<? extends I> source;
    /** Held while the source is read: by the reader, or once it ended by the engine's reading thread. */
    private final ReentrantLock sourceLock = new ReentrantLock();
    private final CheckpointBatches<I> batches;
    private final String threadName;
    /** What {@link CheckpointBatches#forReader} answers when the reader may read on. */
    private final CheckpointBatch<I> mayRead = new CheckpointBatch<>();
    /** The engine's reading thread only: the reader thread was started (or could not be). */
    private boolean started;

    CheckpointReader(Iterator<? extends I> source, CheckpointBatches<I> batches, String threadName) {
        this.source = source;
        this.batches = batches;
        this.threadName = threadName;
    }

    /** Starts the reader thread at the engine's first read; without a thread, the engine's thread reads. */
    void start() {
        if (started) {
            return;
        }
        started = true;
        if (!batches.readerStarting()) {
            return;
        }
        Thread thread = new Thread(this::readLoop, threadName);
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (Throwable e) {
            batches.readerEnded(); // no thread to be had: the engine's thread reads the source itself
        }
    }

    /** The reader thread: reads the source into batches, and looks up a full one while it may not read on. */
    private void readLoop() {
        try {
            while (true) {
                CheckpointBatch<I> next = batches.forReader(mayRead);
                if (next == null) {
                    return;
                }
                if (next != mayRead) {
                    batches.lookUp(next);
                } else if (!readOne()) {
                    return;
                }
            }
        } finally {
            batches.readerEnded();
        }
    }

    /** Reads one input into the open batch; false once the source has no more (or failed). */
    private boolean readOne() {
        I input = null;
        boolean has;
        Throwable failure = null;
        sourceLock.lock();
        try {
            has = source.hasNext();
            if (has) {
                input = source.next();
            }
        } catch (Throwable e) {
            failure = e;
            has = false;
        } finally {
            sourceLock.unlock();
        }
        if (!has) {
            batches.ended(failure);
            return false;
        }
        batches.read(input);
        return true;
    }

    /**
     * The run finished and the reader ended: reads on this thread (for {@link Parallelized#remaining()}) up to
     * 64 inputs, or as many as one millisecond gives, into a batch looked up at once.
     */
    void readHere() {
        CheckpointBatch<I> batch = new CheckpointBatch<>();
        batch.state = CheckpointBatch.LOOKING;
        long start = System.nanoTime();
        Throwable failure = null;
        boolean has = true;
        sourceLock.lock();
        try {
            while (batch.inputs.size() < 64 && System.nanoTime() - start < CheckpointBatches.HANDOFF_NANOS) {
                has = source.hasNext();
                if (!has) {
                    break;
                }
                batch.inputs.add(source.next());
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            sourceLock.unlock();
        }
        batch.failure = failure;
        batches.readHere(batch, !has || failure != null);
        batches.lookUp(batch);
    }
}
