package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker loop's launch, as {@link Crew} makes it for each of a run's own loops: a class rather than a lambda,
 * whose class a cold {@code start()} would spin (about half a millisecond). Runs on the loop's thread.
 *
 * <p>On virtual threads with a decorator the launch is queued for the run's one decorated body ({@link Growth}),
 * which runs the loop of the next launch it takes, on whichever thread the decorator runs it: the launch's state
 * says whether a body took it, or whether the launch withdrew it after the decorator returned without running one.
 */
final class Launch<I, R> implements Runnable {

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), Launch.class, "state", int.class);
    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int TAKEN = 2;

    private final Crew<I, R> crew;
    final Worker<I, R> worker;
    final Runnable decorated;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    Launch(Crew<I, R> crew, Worker<I, R> worker, Runnable decorated) {
        this.crew = crew;
        this.worker = worker;
        this.decorated = decorated;
    }

    /** The loop's body as the run's decorator wraps it; a decorator that returns null is refused. */
    static Runnable decorate(RunConfig config, Runnable body) {
        Runnable decorated = config.decorator().apply(body);
        if (decorated == null) {
            throw new ParallelizedException("the decorator returned null instead of a Runnable", null);
        }
        return decorated;
    }

    @Override
    public void run() {
        crew.launch(this);
    }

    /** Before it is queued for the decorated body. */
    void queued() {
        state = QUEUED;
    }

    /** A decorated body takes this launch's loop to run: false when another took it, or it was withdrawn. */
    boolean take() {
        return STATE.compareAndSet(this, QUEUED, TAKEN);
    }

    /** After the decorator returned: true when no body took the loop (it never ran), which it no longer may. */
    boolean withdraw() {
        return STATE.compareAndSet(this, QUEUED, IDLE);
    }
}
