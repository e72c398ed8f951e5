package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.hazelcast.core.HazelcastInstance;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;

/**
 * The cluster module against functions, inputs, results and errors that misbehave in ways a hostile caller finds:
 * what cannot travel fails its own input, with a message saying what, and never its neighbours.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClusterTest {

    private TestCluster cluster;
    private ParallelizedCluster submitter;

    /** Cannot be serialized, and its {@code getMessage()} throws. */
    static final class LyingUnserializable extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"})
        private final Object notSerializable = new Object();

        @Override
        public String getMessage() {
            throw new IllegalStateException("lies");
        }
    }

    /** Its serialization throws an {@code Error}. */
    static final class WriteFails extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        WriteFails() {
            super("write fails");
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            throw new AssertionError("no write");
        }
    }

    /** Travels, but its deserialization throws an {@code Error} (a class: a record's serialization skips readObject). */
    static final class ReadFails implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int value;

        ReadFails(int value) {
            this.value = value;
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            throw new AssertionError("no read");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ReadFails r && r.value == value;
        }

        @Override
        public int hashCode() {
            return value;
        }

        @Override
        public String toString() {
            return "ReadFails " + value;
        }
    }

    @BeforeAll
    void start() {
        cluster = new TestCluster(2, 2);
        cluster.members.forEach(m -> ParallelizedCluster.on(m).register("hostile", (Object x) -> {
            if (x instanceof Integer i && i % 500 == 7) {
                throw new LyingUnserializable();
            }
            if (x instanceof Integer i && i % 500 == 9) {
                throw new WriteFails();
            }
            if (x instanceof Integer i && i % 500 == 11) {
                return new ReadFails(i);
            }
            return x;
        }).register("pause", (Integer millis) -> {
            Thread.sleep(millis);
            return millis;
        }));
        submitter = ParallelizedCluster.on(cluster.members.get(0));
    }

    /**
     * The submitter's own Hazelcast instance goes down mid-run: the inputs that cannot be sent any more fail saying so,
     * not blaming their input ("cannot be serialized") or a member that is alive ("Hazelcast could not run ... on
     * member ...: RejectedExecutionException").
     */
    @Test
    void whenTheSubmittersOwnInstanceStopsMidRunTheRestFailSayingSoNotBlamingTheirInputsOrTheMembers() {
        HazelcastInstance lite = cluster.liteMember();
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        try (Parallelized<Integer, Integer> run = ParallelizedCluster.on(lite).<Integer, Integer>of("pause",
                IntStream.range(0, 3000).mapToObj(i -> 5)).progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> o : run) {
                outcomes.add(o);
                if (outcomes.size() == 100) {
                    lite.getLifecycleService().terminate();
                }
            }
        }
        assertThat(outcomes).hasSize(3000);
        List<String> failures = outcomes.stream().filter(o -> !o.isSuccess())
                .map(o -> o.error().getClass().getSimpleName() + ": " + o.error().getMessage()).distinct().toList();
        assertThat(failures).as("what the inputs that failed say").isNotEmpty().allSatisfy(message -> assertThat(message)
                .startsWith("ClusterTaskException: Cluster task 'pause' cannot be sent: the Hazelcast instance of this"
                        + " submitter (" + lite.getName() + ") is no longer running (shut down or terminated)"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void whatCannotTravelFailsItsOwnInputNamingWhyAndNeverTheOtherTasksOfItsBatch() {
        List<Object> inputs = new ArrayList<>(IntStream.range(0, 3000).boxed().toList());
        inputs.set(1500, new ReadFails(1500)); // the member cannot read this input
        List<Outcome<Object, Object>> outcomes = new ArrayList<>();
        try (Parallelized<Object, Object> run = submitter.<Object, Object>of("hostile", inputs)
                .progress(ProgressReporter.none()).start()) {
            run.forEach(outcomes::add);
        }
        assertThat(outcomes).hasSize(3000);
        Map<Object, Throwable> failed = outcomes.stream().filter(o -> !o.isSuccess())
                .collect(Collectors.toMap(Outcome::input, Outcome::error));
        List<Object> bad = new ArrayList<>(IntStream.range(0, 3000)
                .filter(i -> i % 500 == 7 || i % 500 == 9 || i % 500 == 11).boxed().toList());
        bad.add(inputs.get(1500));
        assertThat(failed.keySet()).as("the inputs that failed").containsExactlyInAnyOrderElementsOf(bad);
        Function<Integer, String> message = i -> failed.get(i).getMessage();
        assertThat(failed.get(7)).isInstanceOf(ClusterTaskException.class);
        assertThat(message.apply(7)).contains(LyingUnserializable.class.getName()
                + " (its getMessage() threw IllegalStateException)", "the exception itself cannot be serialized");
        assertThat(message.apply(9)).contains(WriteFails.class.getName() + ": write fails",
                "the exception itself cannot be serialized: AssertionError: no write");
        assertThat(message.apply(11)).contains("The result of cluster task 'hostile' from member",
                "cannot be deserialized on the submitter: AssertionError: no read");
        assertThat(failed.get(inputs.get(1500)).getMessage())
                .contains("The input of cluster task 'hostile' cannot be deserialized on member", "AssertionError: no read");
    }
}
