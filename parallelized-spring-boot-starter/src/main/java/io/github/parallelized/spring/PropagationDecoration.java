package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * Micrometer context-propagation: every {@code ThreadLocalAccessor} registered with the global
 * {@code ContextRegistry} (the current observation with Micrometer, security or locale holders of other
 * libraries) is captured on the starting thread and restored around each attempt. Loaded only when
 * {@code io.micrometer:context-propagation} is on the class path.
 */
final class PropagationDecoration implements RunDecoration {

    static final String CLASS = "io.micrometer.context.ContextSnapshotFactory";

    private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();

    @Override
    public Started start(Parallelized<?, ?> run) {
        ContextSnapshot captured = snapshots.captureAll();
        return () -> {
            ContextSnapshot.Scope scope = captured.setThreadLocals();
            return scope::close;
        };
    }
}
