package io.github.parallelized.hazelcast;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

/**
 * The value of a named run in the map {@link ParallelizedCluster#RUNS_MAP}, keyed by the run's name, and the entry
 * processors that change it. Every decision (is the holder alive, may this submitter claim it) is taken by a processor
 * on the member that owns the key, with that member's clock, so that the submitters' clocks never matter and two
 * claims of one name are serialized by the partition. Immutable.
 */
final class RunRecord implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String RUNNING = "RUNNING";
    static final String STOPPED = "STOPPED";
    static final String FINISHED = "FINISHED";

    final String function;
    /** The claim's own id; null once the run stopped or finished (nobody holds it). */
    final UUID lease;
    final UUID owner;
    final boolean ownerIsMember;
    final String submitter;
    final long leaseMillis;
    final String state;
    final long started;
    final long updated;
    final int takeovers;

    RunRecord(String function, UUID lease, UUID owner, boolean ownerIsMember, String submitter, long leaseMillis,
              String state, long started, long updated, int takeovers) {
        this.function = function;
        this.lease = lease;
        this.owner = owner;
        this.ownerIsMember = ownerIsMember;
        this.submitter = submitter;
        this.leaseMillis = leaseMillis;
        this.state = state;
        this.started = started;
        this.updated = updated;
        this.takeovers = takeovers;
    }

    /** The run's state at {@code now}, with {@code members} the members of the cluster now. */
    /** True when {@code lease} is this record's lease (the caller still holds the run). */
    boolean heldBy(UUID lease) {
        return lease.equals(this.lease);
    }

    /** This record as its holder updates it now: the same run, with this lease (null: given back) and state. */
    RunRecord updated(UUID newLease, String newState) {
        return new RunRecord(function, newLease, owner, ownerIsMember, submitter, leaseMillis, newState, started,
                System.currentTimeMillis(), takeovers);
    }

    NamedRun.State stateAt(long now, Set<UUID> members) {
        if (FINISHED.equals(state)) {
            return NamedRun.State.FINISHED;
        }
        if (STOPPED.equals(state)) {
            return NamedRun.State.STOPPED;
        }
        boolean ownerLeft = ownerIsMember && !members.contains(owner);
        return ownerLeft || now - updated > leaseMillis ? NamedRun.State.ORPHANED : NamedRun.State.RUNNING;
    }

    NamedRun view(String name, long now, Set<UUID> members) {
        return new NamedRun(name, function, stateAt(now, members), submitter, Instant.ofEpochMilli(started),
                Instant.ofEpochMilli(updated), takeovers);
    }

    /** What a processor saw: the record after it ran (or the one that refused it), and its member's clock. */
    static final class Answer implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final boolean granted;
        final RunRecord record;
        final long now;
        /** For a granted claim: the run's state before it (null for a new run). */
        final NamedRun.State before;
        /** For a granted claim: who held the run before (null for a new run). */
        final String previousSubmitter;

        Answer(boolean granted, RunRecord record, long now) {
            this(granted, record, now, null, null);
        }

        Answer(boolean granted, RunRecord record, long now, NamedRun.State before, String previousSubmitter) {
            this.granted = granted;
            this.record = record;
            this.now = now;
            this.before = before;
            this.previousSubmitter = previousSubmitter;
        }
    }

    /**
     * Claims the run for a new lease unless a live submitter holds it. With {@code function} null (a resume), the run
     * must exist and keeps its function; else an existing run must apply the same function.
     */
    static final class Claim implements EntryProcessor<String, RunRecord, Answer> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String function;
        private final UUID lease;
        private final UUID owner;
        private final boolean ownerIsMember;
        private final String submitter;
        private final long leaseMillis;
        private final Set<UUID> members;

        Claim(String function, UUID lease, UUID owner, boolean ownerIsMember, String submitter, long leaseMillis,
              Set<UUID> members) {
            this.function = function;
            this.lease = lease;
            this.owner = owner;
            this.ownerIsMember = ownerIsMember;
            this.submitter = submitter;
            this.leaseMillis = leaseMillis;
            this.members = members;
        }

        @Override
        public Answer process(Map.Entry<String, RunRecord> entry) {
            long now = System.currentTimeMillis();
            RunRecord before = entry.getValue();
            if (before == null && function == null) {
                return new Answer(false, null, now);
            }
            if (before != null && (before.stateAt(now, members) == NamedRun.State.RUNNING
                    || function != null && !function.equals(before.function))) {
                return new Answer(false, before, now);
            }
            NamedRun.State was = before == null ? null : before.stateAt(now, members);
            int takeovers = before == null ? 0 : before.takeovers + (was == NamedRun.State.FINISHED ? 0 : 1);
            RunRecord claimed = new RunRecord(before == null ? function : before.function, lease, owner,
                    ownerIsMember, submitter, leaseMillis, RUNNING, now, now, takeovers);
            entry.setValue(claimed);
            return new Answer(true, claimed, now, was, before == null ? null : before.submitter);
        }
    }

    /** The holder's heartbeat: true while the lease is still its own. */
    static final class Beat implements EntryProcessor<String, RunRecord, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final UUID lease;

        Beat(UUID lease) {
            this.lease = lease;
        }

        @Override
        public Boolean process(Map.Entry<String, RunRecord> entry) {
            RunRecord r = entry.getValue();
            if (r == null || !r.heldBy(lease)) {
                return false;
            }
            entry.setValue(r.updated(lease, r.state));
            return true;
        }
    }

    /** The holder's run ended: the lease is given back with the run's final state. */
    static final class Release implements EntryProcessor<String, RunRecord, Boolean> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final UUID lease;
        private final String state;

        Release(UUID lease, String state) {
            this.lease = lease;
            this.state = state;
        }

        @Override
        public Boolean process(Map.Entry<String, RunRecord> entry) {
            RunRecord r = entry.getValue();
            if (r == null || !r.heldBy(lease)) {
                return false;
            }
            entry.setValue(r.updated(null, state));
            return true;
        }
    }

    /** Removes the run's record unless a live submitter holds it. */
    static final class Forget implements EntryProcessor<String, RunRecord, Answer> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Set<UUID> members;

        Forget(Set<UUID> members) {
            this.members = members;
        }

        @Override
        public Answer process(Map.Entry<String, RunRecord> entry) {
            long now = System.currentTimeMillis();
            RunRecord r = entry.getValue();
            if (r == null) {
                return null;
            }
            if (r.stateAt(now, members) == NamedRun.State.RUNNING) {
                return new Answer(false, r, now);
            }
            entry.setValue(null);
            return new Answer(true, r, now);
        }
    }

    /** Reads a run with the clock of the member that keeps it. */
    static final class Describe implements EntryProcessor<String, RunRecord, Answer>, ReadOnly {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Answer process(Map.Entry<String, RunRecord> entry) {
            return entry.getValue() == null ? null : new Answer(true, entry.getValue(), System.currentTimeMillis());
        }
    }
}
