package io.github.parallelized;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The keys of a checkpointed run's inputs ({@link Checkpointing}): computed once per input at its lookup, carried by
 * input identity to its outcome, and reserved while in flight so that two inputs with one key never run at once.
 *
 * <ul>
 *   <li><b>Carried</b> ({@link #carry}, {@link #takeCarried}): the key of an input passed on, by input identity (see
 *   {@link Ref}), until its outcome: at most the admission window plus the read-ahead, cleared when the run ends.</li>
 *   <li><b>Without a key</b> ({@link #noKey}, {@link #refuseWithoutKey}, {@link #forgetNoKey}): an input whose key
 *   function threw or returned null is remembered by identity (a count for the same instance read twice), so that
 *   its task fails naming the key function. Rare: until the first one, the task wrapper reads one volatile flag.</li>
 *   <li><b>In flight</b> ({@link #reserve}, {@link #release}): the keys passed on and not yet known to have failed
 *   or to be written as succeeded (at most the window, the read-ahead and the recorder's unflushed entries). A key
 *   is reserved before it is looked up, let go at a failure's outcome, and at a success only after it is written,
 *   so a duplicate is found either here or in the store. No set of all keys is kept.</li>
 * </ul>
 *
 * <p>Thread-safe: concurrent maps, called by the reading threads, the task wrapper and the recorder.
 */
final class CheckpointKeys<I> {

    private final Function<? super I, String> keyFunction;
    private final String runName;
    /** Keys passed on by the source and not yet written or let go. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** The keys of the inputs passed on, by input identity, from the lookup to their outcome. */
    private final Map<Ref, String> carried = new ConcurrentHashMap<>();
    /** The inputs passed on whose key function threw or returned null, by identity, with a count. */
    private final Map<Ref, NoKey> withoutKey = new ConcurrentHashMap<>();
    /** Set once the first input without a key is passed on: until then the task wrapper looks at nothing else. */
    private volatile boolean anyWithoutKey;

    CheckpointKeys(Function<? super I, String> keyFunction, String runName) {
        this.keyFunction = keyFunction;
        this.runName = runName;
    }

    /** The key of an input; throws what the key function throws, null when it returns null. */
    String keyOf(I input) {
        return keyFunction.apply(input);
    }

    /** The key of an input, or null when the key function throws or returns null, or no store can hold it. */
    @SuppressWarnings("unchecked")
    String keyOrNull(Object input) {
        try {
            String key = keyFunction.apply((I) input); // an input of the run: its outcome's or its source's
            return key == null || refusedKey(key) != null ? null : key;
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- in flight

    /** Reserves a key before its lookup: false when it is in flight already (a duplicate in this run). */
    boolean reserve(String key) {
        return inFlight.add(key);
    }

    /** Lets a key go: it failed, was found succeeded, or its success is written. */
    void release(String key) {
        inFlight.remove(key);
    }

    // ---------------------------------------------------------------- carried to the outcome

    /** The key of an input passed on, carried to its outcome. */
    void carry(Object input, String key) {
        carried.put(new Ref(input), key);
    }

    /** At the outcome of an input: its carried key, now forgotten; null when none was carried. */
    String takeCarried(Object input) {
        return carried.remove(new Ref(input));
    }

    /** The run ended: inputs given back at a stop never have an outcome. */
    void forgetCarried() {
        carried.clear();
    }

    // ---------------------------------------------------------------- inputs without a key

    /** An input passed on whose key function threw ({@code cause}) or returned null ({@code cause} null). */
    void noKey(Object input, Throwable cause) {
        anyWithoutKey = true;
        withoutKey.compute(new Ref(input), (ref, known) -> new NoKey(cause, known == null ? 1 : known.count() + 1));
    }

    /** Called by the recorder at the outcome of an input: true when it was one without a key (then forgotten). */
    boolean forgetNoKey(Object input) {
        if (!anyWithoutKey) {
            return false;
        }
        boolean[] found = new boolean[1];
        withoutKey.computeIfPresent(new Ref(input), (ref, known) -> {
            found[0] = true;
            return known.count() <= 1 ? null : new NoKey(known.cause(), known.count() - 1);
        });
        return found[0];
    }

    /** The task wrapper: an input whose key could not be computed fails, naming the key function. */
    void refuseWithoutKey(Object input) {
        if (!anyWithoutKey) {
            return;
        }
        NoKey noKey = withoutKey.get(new Ref(input));
        if (noKey == null) {
            return;
        }
        if (noKey.cause() instanceof KeyRefused refused) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' returned a key that cannot be recorded for this input: " + refused.getMessage());
        }
        if (noKey.cause() != null) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' failed for this input: " + Errors.describe(noKey.cause(), false), noKey.cause());
        }
        throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                + "' returned null for this input: every input needs a key");
    }

    /** The longest key every store holds as it is (the JDBC store's column). */
    static final int MAX_KEY = 1_000;

    /**
     * Why a key cannot be recorded, or null when it can: at most {@link #MAX_KEY} characters without a NUL, so that
     * every store holds it as it is (a JDBC store's column is VARCHAR(1000); PostgreSQL refuses a NUL in text).
     */
    static String refusedKey(String key) {
        if (key.length() > MAX_KEY) {
            return "the key is " + key.length() + " characters long: at most " + MAX_KEY + " are allowed";
        }
        if (key.indexOf('\u0000') >= 0) {
            return "the key has a NUL character, which a checkpoint store cannot hold";
        }
        return null;
    }

    /** A key the key function returned and no store can hold as it is (see {@link #refusedKey}). */
    static final class KeyRefused extends IllegalArgumentException {
        KeyRefused(String why) {
            super(why, null);
        }
    }

    /** Why an input has no key (its key function threw, or returned null), and how many of it are in the run. */
    private record NoKey(Throwable cause, int count) {
    }

    /**
     * An input by identity: inputs need not implement equals, and equal inputs may be distinct, so a key is carried
     * under the instance it was computed for.
     */
    private static final class Ref {
        private final Object input;
        private final int hash;

        Ref(Object input) {
            this.input = input;
            this.hash = System.identityHashCode(input);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ref ref && ref.input == input;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
