package io.github.parallelized.spring;

import java.util.List;

/**
 * The {@code cluster} part of a cluster run's {@link RunDescriptor}: {@code function, dataMembers, submissions,
 * resubmissions, members}, each member {@code uuid, address, running, completed, resubmissions, left}. Plain
 * getters only (no Jackson annotations), no Hazelcast type, immutable.
 */
final class ClusterDescriptor {

    private final String function;
    private final int dataMembers;
    private final long submissions;
    private final long resubmissions;
    private final List<Member> members;

    ClusterDescriptor(String function, int dataMembers, long submissions, long resubmissions, List<Member> members) {
        this.function = function;
        this.dataMembers = dataMembers;
        this.submissions = submissions;
        this.resubmissions = resubmissions;
        this.members = List.copyOf(members);
    }

    /** The registered name the run applies on the members. */
    public String getFunction() {
        return function;
    }

    /** The cluster's data members: now while the run goes on, at its end once it has ended. */
    public int getDataMembers() {
        return dataMembers;
    }

    /** Tasks sent to a member, first sendings and resubmissions together. */
    public long getSubmissions() {
        return submissions;
    }

    /** Tasks sent again because their member was lost. */
    public long getResubmissions() {
        return resubmissions;
    }

    /** The data members and those that had tasks of the run before they left, by address. */
    public List<Member> getMembers() {
        return members;
    }

    /** One member's part of a cluster run. Immutable. */
    static final class Member {

        private final String uuid;
        private final String address;
        private final long running;
        private final long completed;
        private final long resubmissions;
        private final boolean left;

        Member(String uuid, String address, long running, long completed, long resubmissions, boolean left) {
            this.uuid = uuid;
            this.address = address;
            this.running = running;
            this.completed = completed;
            this.resubmissions = resubmissions;
            this.left = left;
        }

        /** The member's Hazelcast id. */
        public String getUuid() {
            return uuid;
        }

        /** The member's {@code host:port}. */
        public String getAddress() {
            return address;
        }

        /** The run's tasks sent to the member and not answered yet: running there or queued in its executor. */
        public long getRunning() {
            return running;
        }

        /** The run's tasks the member answered, successes and task failures alike. */
        public long getCompleted() {
            return completed;
        }

        /** The run's tasks sent again to another member because this one was lost while it had them. */
        public long getResubmissions() {
            return resubmissions;
        }

        /** True when the member is no longer in the cluster. */
        public boolean isLeft() {
            return left;
        }
    }
}
