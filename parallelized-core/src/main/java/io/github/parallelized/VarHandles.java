package io.github.parallelized;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Finds the var handles of the engine's hand-tuned fields, failing the class's initialisation if one is gone. */
final class VarHandles {

    private VarHandles() {
    }

    /** The handle of a field, found with the declaring class's own lookup (private fields need it). */
    static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
