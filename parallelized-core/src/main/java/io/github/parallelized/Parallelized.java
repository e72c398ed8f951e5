package io.github.parallelized;

import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Runs one function over many inputs on a pool of threads, hands back every outcome as
 * {@code (input, result, error)} in completion order, and shows its progress. The Java form of the Python
 * {@code Parallelized} context manager:
 *
 * <pre>{@code
 * try (Parallelized<Job, String> par = Parallelized.of(this::render, jobs)
 *         .numThreads(4)
 *         .desc("Rendering")
 *         .start()) {
 *     par.pbar().setPostfix(Map.of("status", "processing"));
 *     for (Outcome<Job, String> o : par) {
 *         if (o.error() != null) {
 *             System.out.println("Task " + o.input() + " failed: " + Errors.describe(o.error(), false));
 *         } else {
 *             System.out.println("Completed: " + o.result());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Every input the source yields becomes exactly one {@link Outcome}: a success, a failure (whatever the
 * task threw, {@link Error}s included) or a cancellation ({@link java.util.concurrent.CancellationException}),
 * unless the consumer stops iterating first. Inputs are pulled from the source lazily, as the admission
 * window ({@link Builder#maxInFlight(int)}) frees up, so an endless or huge source runs in constant memory.
 *
 * <p>Stopping: {@link #cancel()} (from any thread), an interrupt of the consuming thread, or leaving the loop
 * by {@code break} or an exception followed by {@link #close()}: the source is read no further, no new task
 * starts and running tasks are interrupted. After {@code cancel()} the loop goes on, receives the outcomes of
 * the inputs already started (at most the admission window), and ends; {@link #remaining()} hands back the
 * rest, in source order, so that nothing is lost and an endless source cancels at once. {@code close()} never
 * waits for a task that ignores its interrupt; such a straggler runs on a daemon thread, which cannot keep the
 * JVM alive. A task that passes its {@linkplain Builder#timeout(Duration) timeout} is treated the same way: its
 * outcome comes at the deadline, its thread is left to finish, and a new thread takes its place.
 *
 * <p>No hang: whatever kills a worker (an {@link Error} from a task, a predicate, a decorator or a reporter)
 * becomes that input's failure outcome, and a run that can no longer progress (no worker left, the executor
 * terminated with the run's work queued) ends its loop with a {@link ParallelizedException}.
 *
 * <p>Thread-safety: one thread consumes the outcomes (iterates); {@link #cancel()}, {@link #progress()},
 * {@link #summary()} and {@link #id()} may be called from any thread.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
public interface Parallelized<I, R> extends Iterable<Outcome<I, R>>, AutoCloseable {

    /**
     * The most platform threads a run may ask for with {@link Builder#numThreads(int)}. Past it, platform threads
     * exhaust memory or the operating system's thread limit on common machines. Frameworks that take a thread count
     * from their configuration (the Spring Boot starter's {@code parallelized.num-threads}) check it against this
     * figure, so that a value the builder would refuse stops the application at start-up.
     */
    int MAX_THREADS = 10_000;

    /**
     * The most tasks at once a run on {@link Builder#virtualThreads() virtual threads}, or of an {@link
     * AsyncTaskFunction}, may ask for with {@link Builder#numThreads(int)}: neither holds a platform thread per task,
     * and the run starts its virtual threads only as inputs come.
     */
    int MAX_VIRTUAL_THREADS = 1_000_000;

    /**
     * Begins to describe a run of {@code function} over the inputs of an {@link Iterable}. A
     * {@link java.util.Collection} gives the bar its total.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null; iterated once, lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder; nothing runs before {@link Builder#start()}
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Iterable<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<>(function, TaskSource.of(tasks));
    }

    /**
     * Begins to describe a run over the inputs of an {@link Iterator}; the total is unknown unless given by
     * {@link Builder#total(long)}.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null; read lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Iterator<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<>(function, TaskSource.of(tasks));
    }

    /**
     * Begins to describe a run over the elements of a {@link Stream}, read lazily; a sized stream gives the
     * bar its total. The stream is closed with the run.
     *
     * @param function the function to apply, not null
     * @param tasks    the inputs, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> of(TaskFunction<? super I, ? extends R> function, Stream<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<>(function, TaskSource.of(tasks));
    }

    /**
     * Begins to describe a run of an asynchronous function over the inputs of an {@link Iterable}: each task is
     * started by {@link AsyncTaskFunction#apply} and holds no thread while its stage is pending, so that
     * {@link Builder#numThreads(int)} (default 256) is the number of tasks in flight, started by one loop per
     * available processor at most. Everything else is as for {@link #of(TaskFunction, Iterable)}: the admission
     * window, outcomes, order, retry (a retry starts on a loop's thread), per-attempt timeout (the outcome comes at
     * the deadline and the stage's future is cancelled), failure policy, progress, cancel and close (the
     * outcomes of the tasks in flight come at once, as cancelled, and their futures are cancelled).
     *
     * @param function the function that starts a task, not null
     * @param tasks    the inputs, not null; iterated once, lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder; nothing runs before {@link Builder#start()}
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                        Iterable<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<I, R>(function, TaskSource.of(tasks));
    }

    /**
     * As {@link #ofAsync(AsyncTaskFunction, Iterable)}, over the inputs of an {@link Iterator}.
     *
     * @param function the function that starts a task, not null
     * @param tasks    the inputs, not null; read lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                        Iterator<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<I, R>(function, TaskSource.of(tasks));
    }

    /**
     * As {@link #ofAsync(AsyncTaskFunction, Iterable)}, over the elements of a {@link Stream}, closed when the
     * run is closed.
     *
     * @param function the function that starts a task, not null
     * @param tasks    the inputs, not null; consumed lazily
     * @param <I>      the input type
     * @param <R>      the result type
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    static <I, R> Builder<I, R> ofAsync(AsyncTaskFunction<? super I, ? extends R> function,
                                        Stream<? extends I> tasks) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(tasks, "tasks");
        return new Builder<I, R>(function, TaskSource.of(tasks));
    }

    /**
     * Counts one resubmission of the input being processed: for a task function that sent its input again
     * elsewhere (for instance to another cluster member after the first one was lost). Call it from inside the task
     * function, on the thread running it (for an {@link AsyncTaskFunction}: inside {@code apply}; later, through
     * {@link #resubmissionCounter()}); the input's {@link Outcome#attempts()} then includes it and
     * {@link Summary#resubmitted()} counts it. A call from any other thread (outside a run's task) does nothing.
     * Costs a thread-local read.
     */
    static void countResubmission() {
        AsyncAttempt<?, ?> attempt = AsyncAttempt.STARTING.get();
        if (attempt != null) {
            attempt.countResubmission();
            return;
        }
        Worker<?, ?> worker = Worker.current();
        if (worker != null) {
            worker.resubmissions++;
        }
    }

    /**
     * A counter of resubmissions for the task an {@link AsyncTaskFunction} is starting on this thread: call this
     * inside {@link AsyncTaskFunction#apply}, keep the counter, and run it each time the task sends its input again
     * elsewhere, from any thread, before its stage completes; {@link Outcome#attempts()} and
     * {@link Summary#resubmitted()} then include them (one counter serves the input through all its attempts; a run
     * after the input's outcome counts nothing). Inside a
     * blocking {@link TaskFunction} it counts, like {@link #countResubmission()}, on the task's own thread only.
     * Elsewhere it returns a counter that does nothing.
     *
     * @return the counter, never null
     */
    static Runnable resubmissionCounter() {
        AsyncAttempt<?, ?> attempt = AsyncAttempt.STARTING.get();
        if (attempt != null) {
            return attempt; // counts one each time it runs
        }
        Worker<?, ?> worker = Worker.current();
        if (worker == null) {
            return () -> { };
        }
        Thread task = Thread.currentThread();
        return () -> {
            if (Thread.currentThread() == task && Worker.current() == worker) {
                worker.resubmissions++;
            }
        };
    }

    /**
     * The outcomes, each exactly once, in completion order (or submission order with
     * {@link Builder#ordered()}). Can be called once; the iterator blocks in {@code hasNext()} until the next
     * outcome exists. If the consuming thread is interrupted while waiting, the run is cancelled, the
     * interrupt flag is kept, and {@code hasNext()} throws {@link java.util.concurrent.CancellationException}.
     * If the task source throws, or the run can no longer progress (no worker loop left, the executor
     * terminated with the run's work queued), iteration ends with a {@link ParallelizedException} after the
     * outcomes that exist; {@link #remaining()} then hands back what was never read. Once the last outcome is
     * taken the run is over for its reporters, even before {@link #close()}.
     *
     * @return the single iterator of this run
     * @throws IllegalStateException on a second call, or after {@link #close()}
     */
    @Override
    Iterator<Outcome<I, R>> iterator();

    /**
     * The outcomes as a sequential {@link Stream}; closing the stream closes the run. Same rules as
     * {@link #iterator()}, of which it is a view.
     *
     * @return the stream of outcomes
     * @throws IllegalStateException if the outcomes were already taken, or after {@link #close()}
     */
    Stream<Outcome<I, R>> stream();

    /**
     * The live progress of this run.
     *
     * @return the progress, usable from any thread during and after the run
     */
    Progress progress();

    /**
     * The same as {@link #progress()}, named after the Python original's {@code pbar}.
     *
     * @return the progress
     */
    default Progress pbar() {
        return progress();
    }

    /**
     * Stops the run from any thread: the source is read no further, no new task starts, running tasks are
     * interrupted. The consumer's loop then receives the outcomes of the inputs already started (at most
     * {@link Builder#maxInFlight(int)}; an input a worker had taken at that moment but not started comes with a
     * {@link java.util.concurrent.CancellationException} and {@code attempts() == 0}) and ends; the inputs never
     * started, including those read ahead for trivial tasks, are handed back by {@link #remaining()}. Returns at
     * once: it never waits for a task, a source read or a reporter. Idempotent; does nothing once the run has
     * ended.
     */
    void cancel();

    /**
     * The inputs the run never started, in source order: first those read ahead and given back when the run
     * stopped, then the source's unread rest; for instance to retry them or to save them for later: outcomes plus
     * {@code remaining()} are exactly the inputs. Usable once the run has stopped (cancelled,
     * failed, or its outcomes consumed to the end; then it is empty unless the source failed) and until it is
     * closed, since {@link #close()} closes a {@link Stream} source. The iterator reads the source lazily on the
     * calling thread, so an endless source is fine.
     *
     * @return an iterator over the inputs never started, then the unread rest of the source
     * @throws IllegalStateException while the run is still running, or after {@link #close()}
     */
    Iterator<I> remaining();

    /**
     * Tells whether the run was stopped early by {@link #cancel()}, an interrupt, or its failure policy.
     *
     * @return true once stopped early
     */
    boolean isCancelled();

    /**
     * What the run did so far; complete once the outcomes are consumed.
     *
     * @return the summary
     */
    Summary summary();

    /**
     * A short identifier, unique within this JVM, for monitoring (the actuator endpoint uses it).
     *
     * @return the id
     */
    String id();

    /**
     * Ends the run: if outcomes are left, cancels it; interrupts running tasks; shuts down the threads the
     * run owns (never a supplied executor); reports the end to the progress. Returns at once, without
     * waiting for a task that ignores its interrupt; it waits for the reporters' {@link ProgressReporter#onFinish}
     * at most 10 seconds (one that has not returned by then is named in a warning and left to finish on its own
     * thread), and for a checkpoint's last write (see {@link Builder#checkpoint}). Idempotent. Called from another
     * thread while the consumer's loop reads: that loop ends, with a {@link java.util.concurrent.CancellationException}
     * when inputs taken up have no outcome (to receive every outcome, call {@link #cancel()} and read to the end
     * instead).
     */
    @Override
    void close();

    /**
     * Describes a run before it starts. Obtained from {@link Parallelized#of}; each setter checks its
     * argument at once (null: {@link NullPointerException} naming it; out of range:
     * {@link IllegalArgumentException}). Setting an option again replaces its value. {@link #start()}
     * copies the configuration, so changing the builder later does not touch the run; a builder starts once
     * (its source can be read once). Not thread-safe.
     *
     * @param <I> the input type
     * @param <R> the result type
     */
    final class Builder<I, R> {

        final TaskFunction<? super I, ? extends R> function;
        final AsyncTaskFunction<? super I, ? extends R> asyncFunction;
        final TaskSource<I> source;
        final RunOptions config = new RunOptions();
        final LimitOptions limits = new LimitOptions();
        private CheckpointStore checkpointStore;
        private String checkpointRun;
        private Function<? super I, String> checkpointKey;

        Builder(TaskFunction<? super I, ? extends R> function, TaskSource<I> source) {
            this.function = function;
            this.asyncFunction = null;
            this.source = source;
        }

        Builder(AsyncTaskFunction<? super I, ? extends R> function, TaskSource<I> source) {
            this.function = null;
            this.asyncFunction = function;
            this.source = source;
            config.async = true;
        }

        /**
         * Sets how many tasks run at once: the number of worker threads. Default: the number of available
         * processors (for virtual threads: 256). For an {@link AsyncTaskFunction} it is the number of tasks in flight
         * (default 256), started by at most one loop per available processor.
         *
         * @param numThreads at least 1; at most {@link #MAX_THREADS} (10,000) for platform threads, at most
         *                   {@link #MAX_VIRTUAL_THREADS} (1,000,000) for {@link #virtualThreads()} and for an
         *                   {@link AsyncTaskFunction}; {@link #start()} refuses more than 10,000 for a run that then
         *                   runs on platform threads
         * @return this builder
         * @throws IllegalArgumentException if {@code numThreads} is below 1 or above 1,000,000
         */
        public Builder<I, R> numThreads(int numThreads) {
            config.numThreads(numThreads);
            return this;
        }

        /**
         * Runs the tasks on virtual threads of the run's own (Java 21 and later), replacing an
         * {@link #executor(ExecutorService) executor} set before; {@link #numThreads(int)} then sets how many run at
         * once.
         *
         * @return this builder
         * @throws UnsupportedOperationException on a JVM without virtual threads, saying which version it is
         */
        public Builder<I, R> virtualThreads() {
            config.virtualThreads(true);
            return this;
        }

        /**
         * Runs on the caller's executor instead of threads of the run's own (replacing
         * {@link #virtualThreads()} if set before). {@link #close()} then cancels
         * only this run's tasks and never shuts the executor down. The run submits
         * {@link #numThreads(int)} worker loops that take turns with other work of the executor (each gives its
         * thread back every 10 ms). A busy bounded queue that refuses a loop is tried again later. Nested runs on
         * one bounded pool complete: when the consumer is itself a task of a run on the same executor and no loop
         * of its own run has begun (the pool's threads all wait in such consumers), it runs its run's tasks
         * itself. Any other consumer waits, so the pool's size stays the most tasks that run at once. An
         * executor that terminates before the run's loops began ends the run with a {@link ParallelizedException}
         * saying what became of them: accepted and dropped from its queue (as {@code shutdownNow()} does), or refused
         * by its full queue and not submitted again since it was shut down ({@code shutdown()} or {@code close()}).
         *
         * <p>Refused: an executor already shut down, and a {@link java.util.concurrent.ThreadPoolExecutor}
         * whose rejection policy would run the loops on the calling thread ({@code CallerRunsPolicy}: start()
         * would not return) or drop them ({@code DiscardPolicy}, {@code DiscardOldestPolicy}). An executor that runs
         * the loops inside {@code execute()} on the calling thread all the same (a direct executor such as
         * {@code Runnable::run}, or a rejection handler of its own that runs work on the caller) makes
         * {@link #start()} fail with a {@link ParallelizedException} saying so. A rejection handler that blocks until
         * the queue has room ({@code getQueue().put(r)}) cannot be seen from outside and may block for good (the
         * loops submit themselves again from the pool's threads): use {@code AbortPolicy}. An executor of one's own
         * that accepts a command and never runs it cannot be told from a busy one either: the run waits for its
         * loops, logs a warning (logger {@code io.github.parallelized}) once none has run for 30 s, and
         * {@link Parallelized#cancel()} or {@link Parallelized#close()} ends the wait.
         *
         * @param executor the executor, not null
         * @return this builder
         * @throws NullPointerException     if {@code executor} is null
         * @throws IllegalArgumentException if {@code executor} is shut down or has such a rejection policy
         */
        public Builder<I, R> executor(ExecutorService executor) {
            config.executor(Objects.requireNonNull(executor, "executor"));
            return this;
        }

        /**
         * Runs on the caller's executor, as {@link #executor(ExecutorService)}, and declares how many tasks it
         * runs at once: {@link #start()} refuses a run whose {@link #numThreads(int)} is above
         * {@code maxThreads}, since its worker loops beyond the limit would only wait for a turn. For frameworks
         * that hand out a bounded pool shared by many runs (the Spring Boot starter does); {@code whenAbove}
         * says in the refusal what the limit is and how to get past it. The limit belongs to this executor:
         * setting {@link #executor(ExecutorService)} or {@link #virtualThreads()} again lifts it.
         *
         * @param executor   the executor, not null
         * @param maxThreads the most tasks it runs at once, at least 1
         * @param whenAbove  what the refusal adds after the two figures, not null
         * @return this builder
         * @throws NullPointerException     if {@code executor} or {@code whenAbove} is null
         * @throws IllegalArgumentException if {@code maxThreads} is below 1
         */
        public Builder<I, R> executor(ExecutorService executor, int maxThreads, String whenAbove) {
            config.executor(Objects.requireNonNull(executor, "executor"), maxThreads,
                    Objects.requireNonNull(whenAbove, "whenAbove"));
            return this;
        }

        /**
         * Sets the admission window: at most this many inputs are taken from the source and not yet consumed.
         * Default: 16 times the number of threads, at least 128 (workers read trivial tasks several at a time, and
         * a smaller window would keep them waiting for room); for an {@link AsyncTaskFunction}, 4 times the tasks
         * in flight, at least 128. A window below the tasks in flight bounds them too.
         *
         * @param maxInFlight at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxInFlight} is below 1
         */
        public Builder<I, R> maxInFlight(int maxInFlight) {
            config.maxInFlight(maxInFlight);
            return this;
        }

        /**
         * Names the run: the bar's label and the metrics' {@code batch} tag. Default {@code "Parallelized"}.
         *
         * @param desc the name, not null
         * @return this builder
         * @throws NullPointerException if {@code desc} is null
         */
        public Builder<I, R> desc(String desc) {
            config.desc = Objects.requireNonNull(desc, "desc");
            return this;
        }

        /**
         * Gives the number of inputs when the source cannot tell it (an {@link Iterator} or unsized
         * {@link Stream}), so the bar can show a percentage and an ETA.
         *
         * @param total at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code total} is negative
         */
        public Builder<I, R> total(long total) {
            config.total(total);
            return this;
        }

        /**
         * Sets where progress goes. Default {@link ProgressReporter#console()}.
         *
         * @param reporter the reporter, not null
         * @return this builder
         * @throws NullPointerException if {@code reporter} is null
         */
        public Builder<I, R> progress(ProgressReporter reporter) {
            config.progress = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        /**
         * Adds a reporter that receives every progress event beside the display set by
         * {@link #progress(ProgressReporter)}, for instance metrics or monitoring.
         *
         * @param reporter the reporter, not null
         * @return this builder
         * @throws NullPointerException if {@code reporter} is null
         */
        public Builder<I, R> listener(ProgressReporter reporter) {
            config.listeners.add(Objects.requireNonNull(reporter, "reporter"));
            return this;
        }

        /**
         * Yields outcomes in the order the source gave the inputs, instead of completion order. A slow task
         * then holds back the ones after it (they wait in the admission window).
         *
         * @return this builder
         */
        public Builder<I, R> ordered() {
            config.ordered = true;
            return this;
        }

        /**
         * Retries a failing task: up to {@code maxAttempts} runs in all, waiting {@code backoff} before each
         * retry, whatever it threw except a cancellation. A shorthand for
         * {@code retry(RetryPolicy.fixed(maxAttempts, backoff).retryOn(error -> true))}; it replaces a policy set
         * before.
         *
         * @param maxAttempts at least 1 (1: no retry)
         * @param backoff     the wait between attempts, not negative, at most about 292 years
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts} is below 1, or {@code backoff} is negative or
         *                                  longer than {@code Long.MAX_VALUE} nanoseconds
         * @throws NullPointerException     if {@code backoff} is null
         */
        public Builder<I, R> retry(int maxAttempts, Duration backoff) {
            return retry(maxAttempts, backoff, error -> true);
        }

        /**
         * Retries a failing task when {@code retryOn} accepts its error: up to {@code maxAttempts} runs in all,
         * waiting {@code backoff} before each retry. A task that timed out counts as failed with a
         * {@link java.util.concurrent.TimeoutException}. A shorthand for
         * {@code retry(RetryPolicy.fixed(maxAttempts, backoff).retryOn(retryOn))}; it replaces a policy set before.
         *
         * @param maxAttempts at least 1 (1: no retry)
         * @param backoff     the wait between attempts, not negative, at most about 292 years
         * @param retryOn     which errors to retry, not null; if it throws, the input fails with a
         *                    {@link ParallelizedException} carrying both errors
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts} is below 1, or {@code backoff} is negative or
         *                                  longer than {@code Long.MAX_VALUE} nanoseconds
         * @throws NullPointerException     if {@code backoff} or {@code retryOn} is null
         */
        public Builder<I, R> retry(int maxAttempts, Duration backoff, Predicate<? super Throwable> retryOn) {
            config.retry(maxAttempts, backoff, retryOn);
            limits.retry = RetryPolicy.fixed(maxAttempts, backoff).retryOn(retryOn);
            return this;
        }

        /**
         * Retries failing tasks by {@code policy}: how many attempts, the wait before each retry (fixed or
         * exponential, with jitter, or what a {@link RetryAfter} error asks for), and which errors. Replaces a
         * policy or a {@code retry(attempts, backoff)} set before. The wait before a retry holds no worker: the
         * worker runs other inputs meanwhile. Retries obey the run's {@linkplain #limit(TaskLimit) limits}.
         *
         * @param policy the policy, not null
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder<I, R> retry(RetryPolicy policy) {
            limits.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Limits the tasks of this run by {@code limit}: every attempt (retries included) starts only with its
         * permits. A task waiting for a permit holds no worker: the worker runs other inputs of the admission window
         * meanwhile (inputs of other keys, with {@link #limitPerKey}); when every input waits, the workers sleep
         * until the next permit is due. For an asynchronous function a concurrency limit counts the tasks in flight,
         * from their start to their stage's completion. One limit given to several runs limits them together.
         * Replaces a limit set before; use {@link TaskLimit#and(TaskLimit)} for several.
         *
         * @param limit the limit, not null
         * @return this builder
         * @throws NullPointerException if {@code limit} is null
         */
        public Builder<I, R> limit(TaskLimit limit) {
            limits.limit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * Limits the tasks of each key value by a copy of {@code limit} of its own: per host, tenant or model.
         * While one key is throttled, the workers run inputs of other keys. A key's copy is forgotten once it is
         * idle, so a million distinct keys run in constant memory; runs given the same {@code limit} share each
         * key's copy. An input whose key function throws or returns null, or returns a key whose {@code hashCode()}
         * or {@code equals()} throws, fails with a {@link ParallelizedException} saying so; the run goes on. Applies
         * together with {@link #limit(TaskLimit)}. Replaces a per-key limit set before.
         *
         * @param key   the key of an input (compared by {@code equals}), not null; called once per input, on a
         *              worker's thread
         * @param limit the limit each key value gets a copy of, not null
         * @return this builder
         * @throws NullPointerException if {@code key} or {@code limit} is null
         */
        public Builder<I, R> limitPerKey(Function<? super I, ?> key, TaskLimit limit) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(limit, "limit");
            limits.key = key;
            limits.perKey = limit;
            return this;
        }

        /**
         * Limits each attempt of a task: at the deadline the attempt fails with a
         * {@link java.util.concurrent.TimeoutException} and its thread is interrupted. The outcome (or the retry)
         * goes on at the deadline even if the task ignores the interrupt: its thread is then left to finish on
         * its own and a new thread takes its place in the run.
         *
         * @param timeout more than zero, at most {@code Long.MAX_VALUE} nanoseconds (about 292 years)
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero, negative or longer than that
         * @throws NullPointerException     if {@code timeout} is null
         */
        public Builder<I, R> timeout(Duration timeout) {
            config.timeout(timeout);
            return this;
        }

        /**
         * The first failed task cancels the rest (as {@link Parallelized#cancel()} does); the run ends
         * {@link RunState#FAILED}.
         *
         * @return this builder
         */
        public Builder<I, R> failFast() {
            return stopAfterFailures(1);
        }

        /**
         * Cancels the rest once {@code maxFailures} tasks have failed.
         *
         * @param maxFailures at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxFailures} is below 1
         */
        public Builder<I, R> stopAfterFailures(int maxFailures) {
            config.stopAfterFailures(maxFailures);
            return this;
        }

        /**
         * Cancels the rest once at least {@code minTasks} tasks have ended and more than {@code maxRate} of
         * them failed.
         *
         * @param maxRate  the tolerated share of failures, in 0..1 (exclusive of 1)
         * @param minTasks how many tasks must have ended before the rate counts, at least 1
         * @return this builder
         * @throws IllegalArgumentException if an argument is out of range
         */
        public Builder<I, R> stopAboveFailureRate(double maxRate, int minTasks) {
            config.stopAboveFailureRate(maxRate, minTasks);
            return this;
        }

        /**
         * Sets the prefix of the worker threads' names. Default {@code "parallelized-"}. A run's own platform
         * threads are named prefix, run number, dash, thread number ({@code parallelized-3-0}); its virtual threads
         * all carry one name, prefix, run number, {@code -virtual} ({@code parallelized-3-virtual}), as numbering
         * thousands of them would cost a tenth of their start.
         *
         * @param prefix the prefix, not null
         * @return this builder
         * @throws NullPointerException if {@code prefix} is null
         */
        public Builder<I, R> threadNamePrefix(String prefix) {
            config.threadNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Wraps each runnable the run hands to a thread or an executor, on the thread that starts the run, the
         * way Spring's {@code TaskDecorator} does: a decorator that copies the caller's MDC, security or tracing
         * context makes it visible to every task. It is called once per worker loop, in {@link #start()} (a
         * decorator that throws or returns null makes start() fail); the runnable it returns may run several
         * times (once per time slice on an executor, and again for a replacement after a timeout). On virtual
         * threads it is called once per run, and every loop runs through the one runnable it returns, on whichever
         * thread that runnable runs it.
         *
         * @param decorator the decorator, not null
         * @return this builder
         * @throws NullPointerException if {@code decorator} is null
         */
        public Builder<I, R> decorator(UnaryOperator<Runnable> decorator) {
            config.decorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /**
         * Makes the run resumable: inputs whose key has a recorded success under {@code runName} in {@code store}
         * are skipped (never run again, no outcome; {@link Summary#skipped()} counts them, and the bar starts at
         * their count, as tqdm's {@code initial}); every other input runs, failed ones included, and each success
         * and failure is recorded. So a run that died ({@code kill -9}, a deploy, an {@link OutOfMemoryError})
         * resumes where it stopped when started again under the same name, and one that finished with failures runs
         * just those when started again.
         *
         * <p>Recording is off the hot path and batched: outcomes are written in batches of at most 500, at least
         * every 200 ms, and the rest when the run ends (the consumer's loop ends, or {@link Parallelized#close()}),
         * before the run's {@link #listener(ProgressReporter) listeners} hear that it finished; lookups are batched
         * as the source is read. At-least-once: after a kill, the inputs that were in flight
         * (at most {@link #maxInFlight(int)}) and the outcomes not yet written (at most 1,000) run again. Cancelled
         * inputs are not recorded and run again. Two inputs with one key in one run: the second is skipped while
         * the first is in flight or has succeeded (it runs only after the first failed), so no key runs twice at
         * once; keys are never all held in memory, so a run of any length resumes in constant memory. After a stop,
         * {@link Parallelized#remaining()} hands back the inputs never started, without those skipped. The writer
         * of the outcomes is a daemon thread named after {@link #threadNamePrefix(String)}, ending with the run.
         *
         * <p>The key function is called once per input read, on one of the run's threads: keep it cheap and pure.
         * When it throws or returns null for an input, or a key that no store could hold as it is (longer than 1,000
         * characters, or with a NUL character), that input fails with an
         * {@link IllegalArgumentException} naming the key function, and the run goes on. A store that fails (a
         * database down) ends the run with a {@link ParallelizedException} naming the store, after the outcomes in
         * flight; nothing is recorded after its failure, so a later resume runs every input whose success was not
         * recorded. That holds for the last write too, made when every outcome is in: the run's state is fixed
         * after it, so the run ends {@link RunState#FAILED} ({@link Parallelized#summary()}, the reporters' {@code
         * onFinish}), never {@link RunState#COMPLETED} with outcomes unrecorded.
         *
         * @param store   where the outcomes are recorded, not null
         * @param runName the name the outcomes are recorded under, not blank, at most 200 characters without a NUL
         *                character; a later run under the same name resumes this one
         * @param key     the key of an input, unique per input of the run (for instance its id), not null
         * @return this builder
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code runName} is blank, longer than 200 characters or has a NUL
         */
        public Builder<I, R> checkpoint(CheckpointStore store, String runName, Function<? super I, String> key) {
            Objects.requireNonNull(store, "store");
            Checkpointing.checkRunName(runName);
            Objects.requireNonNull(key, "key");
            checkpointStore = store;
            checkpointRun = runName;
            checkpointKey = key;
            return this;
        }

        /**
         * As {@link #checkpoint(CheckpointStore, String, Function)}, in the store set before by
         * {@link #checkpointStore(CheckpointStore)}: the Spring Boot starter's {@code ParallelizedFactory} sets the
         * application's store, so that a run names just its checkpoint.
         *
         * @param runName the name the outcomes are recorded under, not blank, at most 200 characters without a NUL
         * @param key     the key of an input, not null
         * @return this builder
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code runName} is blank, longer than 200 characters or has a NUL
         * @throws IllegalStateException    if no store was set
         */
        public Builder<I, R> checkpoint(String runName, Function<? super I, String> key) {
            Checkpointing.checkRunName(runName);
            Objects.requireNonNull(key, "key");
            if (checkpointStore == null) {
                throw new IllegalStateException("no checkpoint store to record run '" + runName + "' in: call "
                        + "checkpoint(store, runName, key), or set a store with checkpointStore(store) first (in "
                        + "Spring, the factory sets one when the application has a DataSource or a CheckpointStore "
                        + "bean)");
            }
            return checkpoint(checkpointStore, runName, key);
        }

        /**
         * Sets the store that {@link #checkpoint(String, Function)} records in; no checkpoint until that is called.
         *
         * @param store the store, not null
         * @return this builder
         * @throws NullPointerException if {@code store} is null
         */
        public Builder<I, R> checkpointStore(CheckpointStore store) {
            checkpointStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Starts the run: threads start and begin to pull inputs. All or nothing: when the run cannot start,
         * what did start is stopped and its reporters are finished before this throws.
         *
         * @return the running run, to be closed (try-with-resources)
         * @throws IllegalStateException    if this builder already started
         * @throws IllegalArgumentException if the executor was shut down or given a policy that drops or
         *                                  runs work on the caller since it was set, or if {@code numThreads} is
         *                                  above the limit of the executor set with
         *                                  {@link #executor(ExecutorService, int, String)}; nothing started
         * @throws ParallelizedException    if the run cannot start: the decorator failed, a thread could not be
         *                                  created, or the executor ran a worker loop on the calling thread
         */
        public Parallelized<I, R> start() {
            if (checkpointRun != null) {
                return new Checkpointing<I>(checkpointStore, checkpointRun, checkpointKey)
                        .start(function, asyncFunction, source, config, limits);
            }
            RunConfig fixed = config.toConfig(limits, null);
            return Run.start(function, asyncFunction, source.claim(), fixed);
        }
    }
}
