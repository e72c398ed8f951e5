package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunRequestTest {

    private static RunRequest request(String kind, Integer count) {
        return new RunRequest(kind, count, null, null, null, null, null, null);
    }

    @Test
    void fillsInTheDefaultsOfEachKind() {
        RunSpec cpu = request("cpu", 10).validate(100);
        assertThat(cpu.kind()).isEqualTo(RunKind.CPU);
        assertThat(cpu.desc()).isEqualTo("cpu hashing");
        assertThat(cpu.threads()).isNull();
        assertThat(cpu.parameters()).containsOnlyKeys("count", "iterations");

        RunSpec io = request("IO", 10).validate(100);
        assertThat(io.kind()).isEqualTo(RunKind.IO);
        assertThat(io.parameters()).containsEntry("latencyMs", 100);

        RunSpec flaky = request("flaky", 10).validate(100);
        assertThat(flaky.parameters()).containsEntry("failureRate", 0.3).containsEntry("maxAttempts", 3);
    }

    @Test
    void keepsWhatTheClientSet() {
        RunSpec spec = new RunRequest("flaky", 7, "  mine ", 3, null, null, 1.0, 5).validate(100);
        assertThat(spec).isEqualTo(new RunSpec(RunKind.FLAKY, 7, "mine", 3, 2000, 100, 1.0, 5));
    }

    /**
     * The message says "no line breaks", and the Unicode line and paragraph separators (U+2028, U+2029) are line
     * breaks to a log viewer, a terminal or JavaScript: they were taken as a desc (only control characters,
     * format characters and unpaired surrogates were refused).
     */
    @Test
    void refusesADescWithALineOrParagraphSeparator() {
        for (char separator : new char[] {0x2028, 0x2029, 0x85}) {
            String desc = "a" + separator + "b";
            assertThatThrownBy(() -> new RunRequest("cpu", 5, desc, null, null, null, null, null).validate(100))
                    .as("desc %s", desc.codePoints().mapToObj(Integer::toHexString).toList())
                    .isInstanceOf(InvalidRunRequestException.class)
                    .hasMessageContaining("desc must be printable text");
        }
    }

    @Test
    void acceptsTheCountLimits() {
        assertThat(request("cpu", 1).validate(100).count()).isEqualTo(1);
        assertThat(request("cpu", 100).validate(100).count()).isEqualTo(100);
    }

    @Test
    void refusesAnUnknownKindSayingWhichExist() {
        assertThatThrownBy(() -> request("gpu", 10).validate(100))
                .isInstanceOf(InvalidRunRequestException.class)
                .hasMessage("unknown kind 'gpu'; expected one of cpu, io, flaky, api");
    }

    @Test
    void refusesAMissingKindAndCount() {
        assertThatThrownBy(() -> request(null, null).validate(100))
                .isInstanceOfSatisfying(InvalidRunRequestException.class, e -> assertThat(e.errors())
                        .extracting(InvalidRunRequestException.FieldError::field).containsExactly("kind", "count"));
    }

    @Test
    void refusesACountOutsideOneToTheLimit() {
        assertThatThrownBy(() -> request("cpu", 0).validate(100))
                .hasMessage("count must be between 1 and 100, was 0");
        assertThatThrownBy(() -> request("cpu", 101).validate(100))
                .hasMessage("count must be between 1 and 100, was 101");
    }

    @Test
    void refusesOutOfRangeOptions() {
        assertThatThrownBy(() -> new RunRequest("flaky", 1, "", 0, null, null, 1.5, 11).validate(100))
                .isInstanceOfSatisfying(InvalidRunRequestException.class, e -> assertThat(e.errors())
                        .extracting(InvalidRunRequestException.FieldError::field)
                        .containsExactly("desc", "threads", "failureRate", "maxAttempts"));
    }

    @Test
    void refusesAnOptionOfAnotherKind() {
        assertThatThrownBy(() -> new RunRequest("io", 1, null, null, 5, null, null, null).validate(100))
                .hasMessage("iterations applies only to cpu runs, not io");
    }
}
