package io.github.parallelized.spring;

import java.util.List;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Errors;

/**
 * One checkpointed run in the {@code parallelized} endpoint: its name, succeeded and failed counts, and its first
 * failed keys with their errors (or, for a store that cannot answer, the error). Immutable; getters only, so that
 * any Jackson version writes it.
 */
final class CheckpointDescriptor {

    private final String name;
    private final long succeeded;
    private final long failed;
    private final List<FailureDescriptor> failures;
    private final String error;

    private CheckpointDescriptor(String name, long succeeded, long failed, List<FailureDescriptor> failures,
                                 String error) {
        this.name = name;
        this.succeeded = succeeded;
        this.failed = failed;
        this.failures = failures;
        this.error = error;
    }

    static CheckpointDescriptor of(CheckpointStore store, String name, int maxFailures) {
        try {
            return new CheckpointDescriptor(name, store.succeeded(name), store.failedCount(name),
                    store.failed(name, maxFailures).stream().map(FailureDescriptor::new).toList(), null);
        } catch (RuntimeException e) {
            return new CheckpointDescriptor(name, 0, 0, List.of(), Errors.describe(e, false));
        }
    }

    static CheckpointDescriptor unavailable(CheckpointStore store, RuntimeException error) {
        return new CheckpointDescriptor(nameOf(store), 0, 0, List.of(), Errors.describe(error, false));
    }

    /** The store's toString(), or its class when that throws: a store that fails must not fail the endpoint too. */
    private static String nameOf(CheckpointStore store) {
        try {
            return String.valueOf(store);
        } catch (RuntimeException | Error e) {
            return store.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
    }

    /** The run's name. */
    public String getName() {
        return name;
    }

    /** Inputs with a recorded success. */
    public long getSucceeded() {
        return succeeded;
    }

    /** Inputs whose last attempt failed, without a recorded success. */
    public long getFailed() {
        return failed;
    }

    /** The first failed keys, by key. */
    public List<FailureDescriptor> getFailures() {
        return failures;
    }

    /** Why the store could not answer, or null. */
    public String getError() {
        return error;
    }

    /** One failed key. */
    static final class FailureDescriptor {
        private final CheckpointStore.Failure failure;

        FailureDescriptor(CheckpointStore.Failure failure) {
            this.failure = failure;
        }

        /** The input's key. */
        public String getKey() {
            return failure.key();
        }

        /** The class name of the last error. */
        public String getErrorType() {
            return failure.errorType();
        }

        /** The last error's message, or null. */
        public String getMessage() {
            return failure.message();
        }

        /** The attempts recorded for the key. */
        public int getAttempts() {
            return failure.attempts();
        }
    }
}
