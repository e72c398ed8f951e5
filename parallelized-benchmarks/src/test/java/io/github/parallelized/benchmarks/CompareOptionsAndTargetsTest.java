package io.github.parallelized.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The compare runner's options refuse what they cannot honour; the targets read the table they are given. */
class CompareOptionsAndTargetsTest {

    @Test
    void optionsAreParsedAndBadOnesNamed() {
        CompareOptions options = CompareOptions.parse("--rounds", "3", "--warmups", "0", "--workloads", "noop,cpu");
        assertThat(options.rounds()).isEqualTo(3);
        assertThat(options.warmups()).isZero();
        assertThat(options.wants("noop")).isTrue();
        assertThat(options.wants("sleep")).isFalse();

        assertThatIllegalArgumentException().isThrownBy(() -> CompareOptions.parse("--round", "3"))
                .withMessage("unknown option --round");
        assertThatIllegalArgumentException().isThrownBy(() -> CompareOptions.parse("--rounds"))
                .withMessage("--rounds needs a value");
        assertThatIllegalArgumentException().isThrownBy(() -> CompareOptions.parse("--rounds", "0"))
                .withMessage("--rounds must be at least 1, not 0");
        assertThatIllegalArgumentException().isThrownBy(() -> CompareOptions.parse("--warmups", "two"))
                .withMessage("--warmups must be a whole number, not two");
    }

    @Test
    void targetsComparePerRoundRatiosAndSaySo() {
        Report report = new Report();
        // round 1: console twice as fast as ecs-submit-all; round 2: three times; median 2.5x
        add(report, "ecs-submit-all", 100, 300);
        add(report, "cf-submit-all", 100, 100);
        add(report, "parallelized-console", 50, 100);
        add(report, "parallelized-micrometer", 100, 300);
        add(report, "parallelized-ordered", 100, 100);

        Targets.check(report);

        assertThat(report.ratio(report.row("noop-2t", "parallelized-console"), "ecs-submit-all")).isEqualTo(2.5);
        assertThat(report.checks).contains(
                "noop-2t: parallelized-console at 2.50x of ecs-submit-all (target >= 1.5x): met",
                "noop-2t: parallelized-console at 1.50x of cf-submit-all (target >= 1.2x): met",
                "noop-2t: parallelized-console slowest round 2.00x the fastest (target <= 1.5): MISSED (rounds of 50, 100 ms)",
                "noop-2t: parallelized-micrometer at 1.00x of ecs-submit-all (target >= 1.3x): MISSED",
                "noop-2t: parallelized-ordered at 0.75x of parallelized-console (target >= 0.8x): MISSED");
        assertThat(report.table()).contains("| noop-2t | 10 | 2 | parallelized-console | ");
    }

    private static void add(Report report, String system, long... millis) {
        Report.Row row = report.add(new Report.Row("noop-2t", system, 10, "2"));
        for (long ms : millis) {
            row.samples.add(new Report.Sample(ms * 1_000_000, 0));
        }
    }
}
