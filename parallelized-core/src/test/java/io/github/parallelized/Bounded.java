package io.github.parallelized;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test helpers that wait with a bound: a hang fails the test within seconds, with a message. */
final class Bounded {

    static final long SECONDS = 20;

    private Bounded() {
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("a latch was not released within " + SECONDS + " s (" + latch + ")");
        }
    }

    /** Whether the latch was released within the bound; an interrupt counts as not (the flag is kept). */
    static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void join(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(SECONDS));
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " did not end within " + SECONDS + " s");
        }
    }

    /** Blocks until interrupted, as a task that only the run can stop; fails if nobody does. */
    static void untilInterrupted() throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
        throw new AssertionError("not interrupted within " + SECONDS + " s");
    }
}
