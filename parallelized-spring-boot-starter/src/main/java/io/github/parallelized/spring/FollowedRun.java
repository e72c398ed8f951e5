package io.github.parallelized.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;
import io.github.parallelized.TaskFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One builder's run with the decorations around it: the factory passes this as the run's function (so that it
 * wraps every attempt, retries included, on the thread that runs it) and as one of its listeners (so that it
 * begins on the starting thread and ends with the run). A builder starts once, so one instance sees one run.
 *
 * <p>Lifecycle: created by the factory; {@link #onStart} sets the run's parts before any worker starts (the run
 * launches its workers after its listeners' onStart, which orders the write before every read); tasks read them;
 * {@link #onFinish} ends them. Thread-safe.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
final class FollowedRun<I, R> implements TaskFunction<I, R>, ProgressReporter {

    private static final Logger LOG = LoggerFactory.getLogger(FollowedRun.class);

    private final TaskFunction<? super I, ? extends R> function;
    private final List<RunDecoration> decorations;
    private volatile List<RunDecoration.Started> started = List.of();

    FollowedRun(TaskFunction<? super I, ? extends R> function, List<RunDecoration> decorations) {
        this.function = function;
        this.decorations = decorations;
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        List<RunDecoration.Started> parts = new ArrayList<>(decorations.size());
        for (RunDecoration decoration : decorations) {
            try {
                parts.add(decoration.start(run));
            } catch (RuntimeException | LinkageError e) {
                // one broken decoration (a convention that throws, say) must not take the others with it
                LOG.warn("Run {} '{}': {} could not start and is left out: {}", run.id(),
                        SafeText.forLog(run.progress().snapshot().description()),
                        decoration.getClass().getSimpleName(), e.toString());
            }
        }
        started = List.copyOf(parts);
    }

    @Override
    public R apply(I input) throws Exception {
        return within(() -> function.apply(input));
    }

    /**
     * The asynchronous form: the decorations are entered while {@code async} starts an input's work (its MDC,
     * observation and context are current there, and so in what the stage captures), and left when it returns.
     */
    static <I, R> AsyncTaskFunction<I, R> async(FollowedRun<I, R> followed,
                                               AsyncTaskFunction<? super I, ? extends R> async) {
        return input -> widen(followed.within(() -> async.apply(input)));
    }

    /** The same stage (the run cancels it, so no dependent stage may stand in for it): a stage only produces R. */
    @SuppressWarnings("unchecked")
    private static <R> CompletionStage<R> widen(CompletionStage<? extends R> stage) {
        return (CompletionStage<R>) stage;
    }

    /** One step of user code. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws Exception;
    }

    private <T> T within(Step<T> step) throws Exception {
        List<RunDecoration.Started> parts = started;
        RunDecoration.Attempt[] open = new RunDecoration.Attempt[parts.size()];
        int opened = 0;
        try {
            for (; opened < open.length; opened++) {
                open[opened] = parts.get(opened).enter();
            }
            return step.run();
        } catch (Throwable e) {
            for (int i = opened - 1; i >= 0; i--) {
                open[i].failed(e);
            }
            throw FollowedRun.<Exception>sneaky(e);
        } finally {
            for (int i = opened - 1; i >= 0; i--) {
                open[i].close();
            }
        }
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        for (RunDecoration.Started part : started) {
            part.finish(snapshot, summary);
        }
    }

    /** Rethrows what the task threw unchanged (Errors and checked exceptions alike): its outcome must carry it. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
