package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.hazelcast.core.HazelcastInstance;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import org.junit.jupiter.api.Test;

/** Runs the cluster guide's example on three members in this JVM (DocSnippetsTest checks the guide shows it). */
class ClusterExamplesTest {

    /** The guide's function: the same code on every member. */
    static final class Thumbnails {
        private Thumbnails() {
        }

        static String render(String image) {
            return "thumb-" + image;
        }
    }

    static List<String> renderOnCluster(HazelcastInstance hazelcastInstance, List<String> images) {
        List<String> thumbnails = new ArrayList<>();
        // tag::cluster-run[]
        ParallelizedCluster cluster = ParallelizedCluster.on(hazelcastInstance); // a member, lite member or client
        cluster.register("thumbnail", Thumbnails::render);   // on every member: same name, same code
        try (Parallelized<String, String> run = cluster.<String, String>of("thumbnail", images)
                .desc("thumbnails").start()) {
            for (Outcome<String, String> o : run) {
                thumbnails.add(o.isSuccess() ? o.result() : "failed: " + o.error());
            }
        }
        // end::cluster-run[]
        return thumbnails;
    }

    @Test
    void theGuidesRunRendersOnTheMembers() {
        try (TestCluster cluster = new TestCluster(3, 2)) {
            cluster.members.subList(1, 3).forEach(m -> ParallelizedCluster.on(m).register("thumbnail", Thumbnails::render));
            List<String> images = List.of("a.png", "b.png", "c.png", "d.png");
            assertThat(renderOnCluster(cluster.members.get(0), images))
                    .containsExactlyInAnyOrder("thumb-a.png", "thumb-b.png", "thumb-c.png", "thumb-d.png");
        }
    }
}
