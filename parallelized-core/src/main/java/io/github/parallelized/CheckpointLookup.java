package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Looks up a checkpointed run's inputs in its store ({@link Checkpointing}): for a batch read by {@link
 * CheckpointReader}, the keys are computed (the one call of the key function per input), reserved against duplicates
 * in this run, and looked up in one call of the store; what has no recorded success is passed on, with its key
 * carried to its outcome. A duplicate of a key in flight is passed on as a {@link CheckpointBatch.Twin} and resolved
 * when the engine takes it ({@link #resolveTwin}), as if read then: skipped while its twin is in flight or succeeded,
 * run once its twin failed.
 *
 * <p>After a failure of the store, or once the run finished (inputs read for {@link Parallelized#remaining()}),
 * nothing more is reserved or carried; after a failure of the store the inputs pass unchecked (the run has
 * stopped: they come back through {@code remaining()}), never lost.
 *
 * <p>Thread-safe: no state of its own; two batches may be looked up at once (the store is told so).
 */
final class CheckpointLookup<I> {

    private final CheckpointStore store;
    private final String runName;
    private final CheckpointKeys<I> keys;
    private final CheckpointState state;

    CheckpointLookup(CheckpointStore store, String runName, CheckpointKeys<I> keys, CheckpointState state) {
        this.store = store;
        this.runName = runName;
        this.keys = keys;
        this.state = state;
    }

    /**
     * Looks up a batch: adds to {@code passed}, in source order, the inputs to pass on (a {@code Twin} for a
     * duplicate); returns how many were skipped. Never throws: on an unexpected failure every input is passed.
     */
    long lookUp(List<I> inputs, List<Object> passed) {
        long skipped = 0;
        try {
            boolean recording = !state.over();
            String[] found = new String[inputs.size()];
            Throwable[] noKey = new Throwable[inputs.size()];
            String[] twinKey = new String[inputs.size()];
            List<String> looked = new ArrayList<>(inputs.size());
            for (int i = 0; i < found.length; i++) {
                String key;
                try {
                    key = keys.keyOf(inputs.get(i));
                } catch (RuntimeException | Error e) {
                    noKey[i] = e;
                    continue;
                }
                if (key == null) {
                    continue;
                }
                String refused = CheckpointKeys.refusedKey(key);
                if (refused != null) {
                    noKey[i] = new CheckpointKeys.KeyRefused(refused); // its task fails, saying why
                    continue;
                }
                if (!recording || keys.reserve(key)) {
                    found[i] = key;
                    looked.add(key);
                } else {
                    twinKey[i] = key; // a duplicate of a key in flight in this run: see resolveTwin
                }
            }
            Set<String> succeeded = Set.of();
            boolean unchecked = state.failed();
            if (!unchecked && !looked.isEmpty()) {
                try {
                    succeeded = store.succeededAmong(runName, looked);
                } catch (Throwable e) {
                    unchecked = true;
                    state.lookupFailed("look up " + looked.size() + " keys", e);
                }
            }
            for (int i = 0; i < found.length; i++) {
                I input = inputs.get(i);
                String key = found[i];
                if (unchecked) {
                    if (key != null && recording) {
                        keys.release(key);
                    } else if (key == null && twinKey[i] == null) {
                        keys.noKey(input, noKey[i]);
                    }
                    passed.add(input); // the run has stopped: back unchecked, nothing lost
                } else if (twinKey[i] != null) {
                    passed.add(new CheckpointBatch.Twin(input, twinKey[i])); // resolved when the engine takes it
                } else if (key == null) {
                    keys.noKey(input, noKey[i]); // its task fails, naming the key function
                    passed.add(input);
                } else if (succeeded.contains(key)) {
                    if (recording) {
                        keys.release(key);
                    }
                    skipped++;
                } else {
                    if (recording) {
                        keys.carry(input, key);
                    }
                    passed.add(input);
                }
            }
            return skipped;
        } catch (Throwable e) {
            // not the store's nor the key function's: a bug or an OutOfMemoryError; never lose the batch
            passed.clear();
            passed.addAll(inputs);
            state.storeFailed("look up " + inputs.size() + " keys", e);
            return 0;
        }
    }

    /**
     * A duplicate of a key that was in flight when its batch was looked up, resolved now that the engine takes it,
     * as if it had been read now: its twin still in flight (not failed, or its success not yet written): skipped
     * (false). Else it is reserved and looked up alone, as a batch would be: skipped if its twin succeeded meanwhile
     * (false), passed on otherwise (true). After the run finished or the store failed, passed unchecked (true).
     */
    boolean resolveTwin(CheckpointBatch.Twin twin) {
        if (state.over() || state.failed()) {
            return true;
        }
        if (keys.reserve(twin.key())) {
            boolean succeeded;
            try {
                succeeded = store.succeededAmong(runName, List.of(twin.key())).contains(twin.key());
            } catch (Throwable e) {
                keys.release(twin.key());
                state.lookupFailed("look up 1 key", e);
                return true;
            }
            if (!succeeded) {
                keys.carry(twin.input(), twin.key());
                return true;
            }
            keys.release(twin.key());
        }
        return false;
    }
}
