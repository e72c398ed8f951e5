package io.github.parallelized;

/**
 * A worker loop's launch, as {@link Crew} makes it for each of a run's own loops: a class rather than a lambda,
 * whose class a cold {@code start()} would spin (about half a millisecond). Runs on the loop's thread.
 */
final class Launch<I, R> implements Runnable {

    private final Crew<I, R> crew;
    private final Worker<I, R> worker;
    private final Runnable decorated;

    Launch(Crew<I, R> crew, Worker<I, R> worker, Runnable decorated) {
        this.crew = crew;
        this.worker = worker;
        this.decorated = decorated;
    }

    @Override
    public void run() {
        crew.launch(worker, decorated);
    }
}
