package io.github.parallelized.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Virtual threads found at run time: the benchmarks are compiled for Java 17 and use them on 21 and later. */
final class VirtualExecutors {

    private static final MethodHandle PER_TASK = find();

    private VirtualExecutors() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    static boolean available() {
        return PER_TASK != null;
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
    static ExecutorService perTask() {
        try {
            return (ExecutorService) PER_TASK.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("no virtual threads on Java " + Runtime.version().feature(), e);
        }
    }
}
