package io.github.parallelized.hazelcast;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** The functions the tests register on members, and what the members in this JVM did with them. */
final class Functions {

    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger FINISHED = new AtomicInteger();

    private Functions() {
    }

    static void registerAll(ParallelizedCluster cluster) {
        cluster.register("square", (Integer x) -> x * x);
        cluster.register("sleep", (Integer millis) -> {
            STARTED.incrementAndGet();
            try {
                if (millis > 0) { // sleep(0) still yields: on a busy machine far longer than a short task runs
                    Thread.sleep(millis);
                }
                return millis;
            } finally {
                FINISHED.incrementAndGet();
            }
        });
        cluster.register("identity", (Object x) -> x);
        cluster.register("unserializable-result", (Integer x) -> new Object());
        cluster.register("throw", (Integer x) -> {
            throw new IllegalArgumentException("bad " + x);
        });
        cluster.register("throw-unserializable", (Integer x) -> {
            throw new UnserializableException("cannot travel " + x);
        });
        cluster.register("error", (Integer x) -> {
            throw new AssertionError("error " + x);
        });
    }

    /** An exception with a field Java serialization refuses. */
    static final class UnserializableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"})
        private final Object notSerializable = new Object();

        UnserializableException(String message) {
            super(message);
        }
    }

    /** A serializable input that carries a number. */
    record Box(int value) implements Serializable {
    }
}
