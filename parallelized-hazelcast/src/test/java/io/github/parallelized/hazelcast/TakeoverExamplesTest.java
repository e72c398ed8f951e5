package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Summary;

/** Runs the cluster guide's takeover examples (DocSnippetsTest checks that the guide shows them as they are here). */
class TakeoverExamplesTest {

    /** An input of the guide's import: an id and what to import. */
    record Item(String id, int value) implements Serializable {
    }

    /** The guide's first submitter: starts the named run and reports failures. */
    static List<String> importNightly(ParallelizedCluster cluster, List<Item> items) {
        List<String> failures = new ArrayList<>();
        // tag::cluster-named-run[]
        try (Parallelized<Item, String> run = cluster.<Item, String>resumable(
                "nightly-import", "import", items, Item::id)     // run name, registered function, inputs, key
                .start()) {
            for (Outcome<Item, String> o : run) {
                if (!o.isSuccess()) {
                    failures.add(o.input().id() + ": " + o.error());
                }
            }
        }
        // end::cluster-named-run[]
        return failures;
    }

    /** The guide's takeover, on any member or client: resumes every orphaned run it knows the inputs of. */
    static List<Summary> takeOverOrphans(ParallelizedCluster cluster, List<Item> items) {
        List<Summary> resumed = new ArrayList<>();
        // tag::cluster-takeover[]
        for (NamedRun orphan : cluster.orphanedRuns()) {     // their submitter died before the end
            if (!orphan.name().equals("nightly-import")) {
                continue;                                     // a run whose inputs this code does not know
            }
            try (Parallelized<Item, String> run = cluster.<Item, String>resume(orphan.name(), items, Item::id)
                    .start()) {                              // skips what succeeded
                run.forEach(o -> { });
                resumed.add(run.summary());                  // skipped() = what had succeeded
            } catch (RunInProgressException taken) {
                // another member took it first
            }
        }
        // end::cluster-takeover[]
        return resumed;
    }

    @Test
    void aNamedRunWhoseSubmitterLeftIsTakenOverByAnotherMember() {
        try (TestCluster cluster = new TestCluster(2, 2)) {
            for (HazelcastInstance member : cluster.members) {
                ParallelizedCluster.on(member).register("import", (Item item) -> "imported " + item.id());
            }
            List<Item> items = IntStream.range(0, 300).mapToObj(i -> new Item("item-" + i, i)).toList();
            HazelcastInstance lite = cluster.liteMember();
            ParallelizedCluster submitter = ParallelizedCluster.on(lite);
            // the first submitter runs a part of it, then dies
            assertThat(importNightly(submitter, items.subList(0, 100))).isEmpty();
            submitter.<Item, String>resume("nightly-import", items, Item::id); // claimed, and then the JVM is gone
            lite.getLifecycleService().terminate();

            ParallelizedCluster member = ParallelizedCluster.on(cluster.members.get(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> !member.orphanedRuns().isEmpty());
            List<Summary> resumed = takeOverOrphans(member, items);
            assertThat(resumed).hasSize(1);
            assertThat(resumed.get(0).skipped()).isEqualTo(100);
            assertThat(resumed.get(0).succeeded()).isEqualTo(200);
            assertThat(member.namedRun("nightly-import").orElseThrow().state()).isEqualTo(NamedRun.State.FINISHED);
            assertThat(takeOverOrphans(member, items)).isEmpty();
        }
    }
}
