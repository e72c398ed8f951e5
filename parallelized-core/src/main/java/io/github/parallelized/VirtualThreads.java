package io.github.parallelized;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/** Finds virtual threads at run time, so that one jar compiled for Java 17 uses them on 21 and later. */
final class VirtualThreads {

    private static final MethodHandle OF_VIRTUAL = find();

    private VirtualThreads() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    static boolean available() {
        return OF_VIRTUAL != null;
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
            Object builder = OF_VIRTUAL.invoke();
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object named = builderType.getMethod("name", String.class).invoke(builder, name);
            return (ThreadFactory) builderType.getMethod("factory").invoke(named);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create virtual threads", e);
        }
    }
}
