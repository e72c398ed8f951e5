package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;

/**
 * Something that follows every run of the factory: it begins on the thread that starts the run (where the
 * caller's context is), wraps every attempt of every task on the worker threads, and ends with the run. The
 * context (MDC, context-propagation) and the observations are decorations. Implementations are thread-safe.
 */
interface RunDecoration {

    /**
     * Called on the thread that starts the run, before any task runs.
     *
     * @param run the run that starts
     * @return what follows this run; never null
     */
    Started start(Parallelized<?, ?> run);

    /** A decoration's part in one run. */
    interface Started {

        /**
         * Called on the worker thread before each attempt of a task.
         *
         * @return what to undo after the attempt; never null
         */
        Attempt enter();

        /**
         * Called once when the run ends, from the thread that ends it.
         *
         * @param snapshot the run's final state
         * @param summary  what the run did
         */
        default void finish(ProgressSnapshot snapshot, Summary summary) {
        }
    }

    /** One attempt inside a decoration. */
    interface Attempt {

        /** No effect: for a decoration with nothing to do around an attempt. */
        Attempt NONE = () -> {
        };

        /**
         * The attempt threw.
         *
         * @param error what it threw
         */
        default void failed(Throwable error) {
        }

        /** Undoes {@link Started#enter()} on the same thread; never throws. */
        void close();
    }
}
