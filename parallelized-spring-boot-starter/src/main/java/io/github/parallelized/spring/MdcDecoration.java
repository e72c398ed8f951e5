package io.github.parallelized.spring;

import java.util.Map;

import io.github.parallelized.Parallelized;
import org.slf4j.MDC;

/**
 * The MDC inside tasks: the run's id under {@value ParallelizedFactory#MDC_RUN_ID} always, and, when context
 * propagation is on, the MDC of the thread that started the run. Whatever the worker thread had is put back after
 * each attempt, so a pooled thread carries nothing from one run to the next.
 */
final class MdcDecoration implements RunDecoration {

    private final boolean copyCallers;

    MdcDecoration(boolean copyCallers) {
        this.copyCallers = copyCallers;
    }

    @Override
    public Started start(Parallelized<?, ?> run) {
        Map<String, String> callers = copyCallers ? MDC.getCopyOfContextMap() : null;
        String runId = run.id();
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            if (callers != null) {
                MDC.setContextMap(callers);
            }
            MDC.put(ParallelizedFactory.MDC_RUN_ID, runId);
            return () -> {
                if (previous != null) {
                    MDC.setContextMap(previous);
                } else {
                    MDC.clear();
                }
            };
        };
    }
}
