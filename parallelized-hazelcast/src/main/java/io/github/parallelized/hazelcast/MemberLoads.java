package io.github.parallelized.hazelcast;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;

/**
 * This submitter's tasks in flight per member, and the member for a task that must avoid some members (most tasks wait
 * in {@link Lanes}' shared queue for whichever member has room first): the data member with the fewest tasks in flight
 * from this submitter for the size of its executor pool. A member that joins has none in flight, so it takes the next tasks; a
 * member that left is no longer in the member list. Thread-safe; the count and the pick race a little under
 * contention, which costs balance, never correctness.
 */
final class MemberLoads {

    /** Hazelcast's default executor pool size, assumed until a member has told its own. */
    static final int DEFAULT_POOL_SIZE = 16;

    private final Cluster cluster;
    private final Map<UUID, Load> loads = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();
    /** The member list, refreshed on each membership event (a client's getMembers() copies it on every call). */
    private volatile Member[] members;
    /** The loads of {@link #members}, index for index: no map look-up per member per task. */
    private volatile Load[] memberLoads = new Load[0];

    MemberLoads(Cluster cluster) {
        this.cluster = cluster;
        refresh();
    }

    /** Reads the member list again: called when a member joins or leaves. */
    synchronized void refresh() {
        Member[] now = cluster.getMembers().toArray(new Member[0]);
        Load[] nowLoads = new Load[now.length];
        for (int i = 0; i < now.length; i++) {
            nowLoads[i] = load(now[i]);
        }
        // the loads first: a reader of the new member list then finds them (a stale pair only picks less well)
        memberLoads = nowLoads;
        members = now;
    }

    /** The cluster's members at the last membership event, lite ones included: for the runs' figures. */
    Member[] members() {
        return members;
    }

    static final class Load {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile int poolSize = DEFAULT_POOL_SIZE;
        volatile boolean poolSizeKnown;

        /** The member told its pool size. */
        void poolSize(int size) {
            poolSize = Math.max(1, size);
            poolSizeKnown = true;
        }
    }

    /**
     * The least loaded data member not in {@code excluded}, its in-flight count already raised; or, when every
     * member is excluded, the least loaded of all. Null when the cluster has no data member.
     */
    Member acquire(Set<UUID> excluded) {
        Member[] members = this.members;
        Load[] memberLoads = this.memberLoads;
        if (memberLoads.length != members.length) {
            memberLoads = loadsOf(members); // a refresh between the two reads
        }
        int best = pick(members, memberLoads, excluded);
        if (best < 0 && !excluded.isEmpty()) {
            best = pick(members, memberLoads, Set.of());
        }
        if (best < 0) {
            return null;
        }
        memberLoads[best].inFlight.incrementAndGet();
        return members[best];
    }

    private Load[] loadsOf(Member[] members) {
        Load[] found = new Load[members.length];
        for (int i = 0; i < members.length; i++) {
            found[i] = load(members[i]);
        }
        return found;
    }

    /** The index of the least loaded data member not in {@code excluded}, or -1. */
    private int pick(Member[] members, Load[] memberLoads, Set<UUID> excluded) {
        int start = members.length == 0 ? 0 : Math.floorMod(rotation.getAndIncrement(), members.length);
        int best = -1;
        double bestLoad = Double.MAX_VALUE;
        for (int k = 0; k < members.length; k++) {
            int i = (start + k) % members.length;
            Member member = members[i];
            if (member.isLiteMember() || !excluded.isEmpty() && excluded.contains(member.getUuid())) {
                continue;
            }
            Load load = memberLoads[i];
            double share = (load.inFlight.get() + 1.0) / load.poolSize;
            if (share < bestLoad) {
                best = i;
                bestLoad = share;
            }
        }
        return best;
    }

    /** The executor threads of the data members at the last membership event, added up (at least 1). */
    int threads() {
        Member[] members = this.members;
        Load[] memberLoads = this.memberLoads;
        int threads = 0;
        for (int i = 0; i < members.length && i < memberLoads.length; i++) {
            if (!members[i].isLiteMember()) {
                threads += memberLoads[i].poolSize;
            }
        }
        return Math.max(1, threads);
    }

    /** Tells whether the cluster had a data member at the last membership event. */
    boolean hasDataMember() {
        for (Member member : members) {
            if (!member.isLiteMember()) {
                return true;
            }
        }
        return false;
    }

    /** Tells whether every data member is in {@code excluded}. */
    boolean allExcluded(Set<UUID> excluded) {
        for (Member member : members) {
            if (!member.isLiteMember() && !excluded.contains(member.getUuid())) {
                return false;
            }
        }
        return true;
    }

    /** A task sent to the member of {@code load} (taken from its lane) is answered or taken back. */
    void release(Load load) {
        load.inFlight.decrementAndGet();
    }

    void release(Member member) {
        Load load = loads.get(member.getUuid());
        if (load != null) {
            load.inFlight.decrementAndGet();
        }
    }

    Load load(Member member) {
        return loads.computeIfAbsent(member.getUuid(), uuid -> new Load());
    }

    /** Forgets a member that left, so that its entry does not stay for ever. */
    void forget(UUID member) {
        loads.remove(member);
    }
}
