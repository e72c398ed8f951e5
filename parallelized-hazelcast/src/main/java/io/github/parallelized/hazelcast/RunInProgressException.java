package io.github.parallelized.hazelcast;

/**
 * A named run could not be claimed because another submitter runs it now (its heartbeat is fresh and, for a member,
 * it is still in the cluster): two submitters never run one named run at once. Thrown by
 * {@link ParallelizedCluster#resumable}, {@link ParallelizedCluster#resume} and {@link ParallelizedCluster#forget};
 * {@link #holder()} says who has it. Catch it where several members race to take over an orphaned run: one wins, the
 * others get this. Immutable and thread-safe.
 */
public final class RunInProgressException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The run as recorded when the claim was refused; not serialized. */
    private final transient NamedRun holder;

    /**
     * Creates the exception.
     *
     * @param message what was refused, naming the run and its submitter
     * @param holder  the run as recorded, not null
     */
    public RunInProgressException(String message, NamedRun holder) {
        super(message);
        this.holder = java.util.Objects.requireNonNull(holder, "holder");
    }

    /**
     * The run as recorded when the claim was refused: its submitter, start and last heartbeat.
     *
     * @return the run; null only in a copy of this exception that was serialized (the message still names it)
     */
    public NamedRun holder() {
        return holder;
    }
}
