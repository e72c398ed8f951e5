package io.github.parallelized;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Finds virtual threads at run time, so that one jar compiled for Java 17 uses them on 21 and later. The three
 * calls a run makes ({@code Thread.ofVirtual().name(name).factory()}) are found once, typed with {@code Object} so
 * that each call is exact: before, each run looked two of them up ({@code getMethod}) and called them reflectively
 * ({@code OwnThreads}' set-up showed in a warm profile of 10,000 sleeps, at about 0.2 ms a run).
 */
final class VirtualThreads {

    /** {@code Thread.ofVirtual()}, {@code Thread.Builder.name(String)}, {@code Thread.Builder.factory()}. */
    private static final MethodHandle[] CALLS = find();
    private static final int OF_VIRTUAL = 0;
    private static final int NAME = 1;
    private static final int FACTORY = 2;

    private VirtualThreads() {
    }

    private static MethodHandle[] find() {
        try {
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new MethodHandle[] {
                lookup.findStatic(Thread.class, "ofVirtual",
                        MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")))
                        .asType(MethodType.methodType(Object.class)),
                lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class))
                        .asType(MethodType.methodType(Object.class, Object.class, String.class)),
                lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                        .asType(MethodType.methodType(ThreadFactory.class, Object.class))
            };
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    static boolean available() {
        return CALLS != null;
    }

    static void require() {
        if (!available()) {
            throw new UnsupportedOperationException("virtualThreads() needs Java 21 or later; this JVM is Java "
                    + Runtime.version().feature() + " (" + System.getProperty("java.vm.name")
                    + "). Use numThreads(n) with platform threads instead.");
        }
    }

    /**
     * A factory of virtual threads that all carry one name: numbering them built a string per thread, a tenth of
     * the processor time that starting 10,000 of them takes (the JDK's own per-task executor leaves them unnamed).
     */
    static ThreadFactory factory(String name) {
        require();
        try {
            Object builder = (Object) CALLS[OF_VIRTUAL].invokeExact();
            Object named = (Object) CALLS[NAME].invokeExact(builder, name);
            return (ThreadFactory) CALLS[FACTORY].invokeExact(named);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create virtual threads", e);
        }
    }
}
