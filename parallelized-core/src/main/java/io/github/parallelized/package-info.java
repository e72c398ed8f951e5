/**
 * Parallelized: run one function over many inputs on a pool of threads, get every outcome back as
 * {@code (input, result, error)} in completion order, and see the progress. Start at {@link
 * io.github.parallelized.Parallelized}.
 *
 * <h2>For maintainers: how a run is put together</h2>
 *
 * <p>Follow one input through the package-private parts, in this order: {@code Admission} (the source and the admission
 * window: the {@code Room} handshake with the consumer, claims read under the read lock, {@code Stealing} from other
 * workers' claims, the {@code Unread} rest) -&gt; {@code Crew} and {@code Loop} (the loops, on {@code OwnThreads} of
 * the run, virtual threads started as inputs come ({@code Growth}: by the loops, then by the consumer once it waits),
 * or {@code Submissions} to a supplied executor), each running a {@code Worker} (its counts, claim, {@code Pace}, and
 * the {@code WorkerThread} that runs it now) -&gt; {@code Tasks} (the attempts of one input: the run's limits ({@code
 * RunLimits}), retry by the one {@code AttemptPolicy}, {@code Timeouts}, cancellation, {@code Parking} off the workers,
 * mapped to an {@link io.github.parallelized.Outcome}; for an {@link io.github.parallelized.AsyncTaskFunction}, {@code
 * AsyncTasks} starts the attempt ({@code AsyncLaunch}) in one of the {@code Places} in flight and {@code AsyncEnds}
 * ends it on any thread,
 * through the same {@code AttemptPolicy}) -&gt; {@code Delivery} (the reporters' {@code onOutcome}, the {@code
 * FailurePolicy}, the {@code Handoff}'s per-worker outboxes to the consumer) -&gt; {@code Outcomes} (the consumer's
 * iterator: completion or submission order, and the end of the loop). {@code Counters} and {@code RunProgress} add up
 * what the workers counted; {@code Lifecycle} is the run's one state and does what a stop does; {@code Run} is the
 * façade that makes the parts and wires them.
 *
 * <h3>Layers</h3>
 * Drawn by import, the engine reads from the top down: the entry and builder ({@code Parallelized}, {@code
 * RunOptions}, the {@code Checkpointing} around a run and its parts), the façade ({@code Run}), the loops and the consumer ({@code
 * Crew}, {@code Loop}, {@code Outcomes}), the tasks ({@code Tasks}, {@code AsyncTasks}, {@code AsyncLaunch}, {@code AsyncEnds}, {@code
 * Parking}, {@code Places}), the worker and its attempt ({@code Worker}, {@code WorkerThread}, {@code AsyncAttempt}),
 * admission and hand-off ({@code Admission}, {@code Room}, {@code Claim}, {@code Handoff}, {@code Delivery}), and
 * counters and clocks ({@code Counters}, {@code Lifecycle}, {@code Timer}). Each part is given the few parts it
 * uses, never the run; a part that must reach a part above it does so through a narrow interface that part
 * implements ({@code Loops}: a worker's loop and its timeouts ask the crew to begin, end, replace or relaunch a
 * loop) or a callback set once before the loops start ({@code Lifecycle.onStop}, {@code Room.beforeWait}). The
 * console display ({@code ConsoleReporter}, {@code Screen}, {@code ScreenSize}, {@code Terminal}, {@code
 * SystemStreams}, {@code BarLine}, {@code RateMeter}, {@code ProgressLine}, {@code Units}) is one {@link
 * io.github.parallelized.ProgressReporter} among others: no engine part refers to it; it stays in this package because moving it would make public the helpers it shares with the log
 * reporter and the snapshot ({@code Postfix}, {@code Durations}, {@code Timer}).
 *
 * <h3>The checkpoint around a run</h3>
 * A checkpointed run ({@link io.github.parallelized.Parallelized.Builder#checkpoint}) is the same engine with its
 * source, its function and one reporter wrapped by {@code Checkpointing}, which alone knows the run and wires the
 * parts, in the order an input meets them: {@code CheckpointReader} (a reader thread reads the source into {@code
 * CheckpointBatches} of {@code CheckpointBatch}es, ahead of the engine) -&gt; {@code CheckpointLookup} (a batch's keys
 * computed once, reserved against duplicates, looked up in one call of the store) -&gt; {@code CheckpointSkipping}
 * (the source the engine reads: what has no recorded success, in source order) -&gt; {@code CheckpointKeys} (keys
 * carried by input identity to their outcomes; the keys in flight) -&gt; {@code CheckpointRecorder} (outcomes
 * buffered and written in batches by a daemon thread, at most 1,000 unwritten; the rest written when the run
 * finishes, before its state is fixed: {@code Checkpointing} is a {@code DecidesTheEnd}). {@code CheckpointState}
 * holds the two flags they all read (the run finished; the store failed) and fails the run through a callback. The
 * JDBC store is {@code JdbcCheckpointStore} (connections, the table, the queries for people) with {@code JdbcDialect}
 * (the SQL of H2, PostgreSQL and other databases), {@code JdbcLookups}, {@code JdbcWrites} and {@code JdbcSessions}
 * (the connections and statements kept while runs record: {@code Checkpointing} tells the store through {@code
 * RunScopedStore}).
 *
 * <h3>Waiting without a worker: limits and retry delays</h3>
 * An input refused a permit by its {@link io.github.parallelized.TaskLimit} (the run's, or its key's copy), or
 * waiting out a retry's delay, is parked in {@code Throttled}: by its due time (a rate, a delay) or until its limit
 * gives a permit back (a release readies as many waiters as permits are free). A worker takes the ready parked
 * inputs before new ones from the source; a worker about to wait for room in the window returns to take them; no
 * worker leaves while inputs are parked, and with nothing else to do it sleeps until the next is due. A stop drains
 * them: each comes out cancelled with the attempts that ran. An asynchronous attempt takes its permits before {@code
 * apply} (parked likewise, started by a loop when ready) and gives them back when its stage ends.
 *
 * <h3>Claims and stealing</h3>
 * A worker reads inputs under the source's read lock in a {@code Claim}: one input, or, while its inputs take
 * under 2 us each (read and run), twice as many as last time, up to a share of the window ({@code window / (2 *
 * threads)}, at most 64; one alone when the run has one thread); a claim whose inputs took over 20 us each is
 * followed by one of a single input. Each input is admitted (one CAS on the admitted count) and published in the
 * claim as soon as it is read, before the next read, which may block: a worker that finds the read lock held spins a
 * little, then tries it in 1 ms waits, and takes published inputs meanwhile; so an input read is started within
 * moments whatever the source's next read does. The reader takes the first input left once it stops reading. Inputs
 * are taken one at a time (a CAS). Any other worker may take its next unstarted input: before reading a new claim a worker looks at one other worker in turn and steals from it if
 * its task has run for over 50 us (inputs behind a slow or waiting task are run as if never claimed), and a worker
 * that finds no input to read (source drained, no room) steals from anyone before it waits or leaves. A stop gives
 * the unstarted inputs of every claim back: they come first in {@code remaining()} (in source order) and never
 * become outcomes; the admitted count the consumer waits for goes down by as many.
 *
 * <h3>Handshake 1: room in the window ({@code Room})</h3>
 * A worker admits inputs only under the source's read lock and only while fewer than {@code window} inputs
 * are admitted and not yet consumed. It reads the consumer's count (a padded field written by the consumer
 * alone, with a release store) only when the room it knew of is used up. With no room it waits on a separate
 * monitor ({@code room}) after announcing the wait in a volatile; the consumer bumps its count, then looks at the
 * announcement and notifies under that monitor; before the consumer waits for outcomes it fences and looks once
 * more, so the announcement is seen then at the latest, and a waiting worker looks again every 10 ms (a claim made
 * meanwhile may hold an input it should steal). The room monitor is held only by our code and never across a user
 * callback; the read lock is held across the source's {@code hasNext()}/{@code next()}, which may block, so
 * nothing that stops a run ever takes it.
 *
 * <h3>Handshake 2: the consumer parks, the workers unpark it</h3>
 * A worker publishes the outcome in its outbox (a slot, then a volatile count; workers past the 64th and the
 * timeout thread use a shared queue), then reads {@code consumerWaiting} and, if set, clears it with a CAS and
 * unparks the consumer. The consumer takes from an outbox everything published when it looked, then goes round
 * the others; finding none, it spins a little (an adaptive budget of {@code Thread.yield()}s), then sets
 * {@code consumerWaiting}, looks once more and parks. Both sides write, then read, volatile fields, so either the
 * consumer sees the outcome or the worker sees the flag and unparks it. Every other reason to wake up (a stop, the last worker leaving) unparks
 * unconditionally, and a park never lasts longer than 50 ms, after which the consumer looks after the run's
 * health: loops an executor refused (submitted again), loops that have not begun while the consumer is itself a
 * worker loop on the same executor (it then runs one of its run's tasks itself, which is how nested runs on one
 * bounded pool complete; other consumers wait, so a pool's size stays the most tasks that run at once), an
 * executor that terminated with the run's loops queued (the run fails).
 *
 * <h3>Admission count: when the loop ends</h3>
 * Each admitted input gets a sequence number from one {@code AtomicLong}, whose high bit closes admission. A
 * worker admits a claim by CAS under the read lock; a stop, a drained source or a failing source sets the bit without the
 * lock. Once the bit is set the count below it is final, and the consumer's loop ends when it has received that
 * many outcomes. An input read while the bit was set (the run stopped during the read) is not admitted; it goes
 * to the front of {@link io.github.parallelized.Parallelized#remaining()}. So outcomes plus the remaining inputs
 * are exactly the source, and a cancel never reads the source again.
 *
 * <h3>Stopping, draining, closing</h3>
 * {@code stop(reason)} moves the {@code Lifecycle} from RUNNING to STOPPING with one CAS, closes admission,
 * interrupts the workers' threads (each under its worker's own monitor, which our code holds only briefly) and
 * wakes the consumer; it takes no lock a user callback may hold. Draining is the consumer receiving the outcomes
 * of the inputs admitted before the stop: running tasks end (cancelled when interrupted), claimed but unstarted
 * ones are given back to {@code remaining()}, and an input a worker had just taken comes out as cancelled with
 * zero attempts. FINISHING is reached when the consumer received the last outcome
 * or at {@code close()}: its winner does what decides how the run ended (a checkpoint's last write, whose failure
 * fails the run), then fixes the state (FINISHED: nothing reads COMPLETED before) and calls the reporters' {@code
 * onFinish}, exactly once: ours on its thread, the others ({@code FinishCalls}) on a thread of the reporters' pool,
 * in order, waited for at most 10 s, so that one that never returns holds neither the loop's end nor {@code
 * close()} for ever (a warning names it; the rest are called once it returns). CLOSED is reached by
 * {@code close()} after a bounded grace for the workers to leave: it closes the source. A task that ignores its
 * interrupt is never waited for: its thread is a daemon (or the executor's) and finishes on its own.
 *
 * <h3>Asynchronous tasks</h3>
 * A loop of an asynchronous run takes a place among the tasks in flight ({@code Places}) before it takes an input,
 * starts the attempt ({@code apply}) and goes on; the stage's completion, the timeout (on an offload thread of {@code
 * Stages}: the timeout thread does no user work) or a stop ends it ({@code AsyncEnds}), each by moving the {@code
 * AsyncAttempt}'s state with a CAS, so each ends once. A loop that must wait for room in the window gives its place
 * back first (with every place held by loops waiting for room, inputs parked for their limits' permits could never
 * start again, while the room waited for their outcomes); the input it then admits takes a free place, or waits for
 * one among the ready parked inputs, which get the next place before any new input.
 * Retries start on a loop (after their delay, on the timer). On a supplied executor a loop that would wait for a
 * place, or for the last tasks in flight, gives its thread back instead and is launched again by the next end or
 * retry: the stages' own work may need the pool. Stage cancels and timed-out ends run on an unbounded pool of
 * daemon threads, so no run's slow callbacks delay another's.
 *
 * <h3>Timeouts</h3>
 * An attempt with a timeout registers with its worker's {@code WorkerThread}; at the deadline the timeout thread (one for all runs,
 * apart from the display's refresh thread) abandons that worker's thread (interrupts it and forgets it), hands
 * the input, its attempts and a {@code TimeoutException} to a replacement loop of the same worker, and starts
 * it. The abandoned thread, when its task returns, finds its attempt abandoned and leaves without touching the
 * worker (not even its parked inputs: the live loop drains those). So a timed-out outcome (or its retry) goes on at
 * the deadline, whatever the task does.
 *
 * <h3>Loops that die</h3>
 * A user callback's throw ends its attempt or its input, never a loop; an executor that throws when a loop hands it its
 * next time slice leaves the loop on its thread. Whatever else escapes a loop's turn (an {@code Error} of the JVM)
 * makes it leave as gone ({@code Loops.died}): the crew counts it out and keeps the cause, its worker stays known so
 * that the others take what it claimed, and when no loop is left while admitted inputs never came out, the consumer
 * fails the run naming that cause. An asynchronous input whose start throws fails with it and frees its place.
 */
package io.github.parallelized;
