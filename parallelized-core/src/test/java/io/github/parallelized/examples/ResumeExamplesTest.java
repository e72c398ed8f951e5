package io.github.parallelized.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Summary;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples of docs/resume.md (DocSnippetsTest checks that the guide shows exactly these) and checks what
 * the guide says of them: a second run under the same name skips what succeeded and runs the failed inputs again,
 * the store tells the failures and the successes, and after a clear everything runs again.
 */
class ResumeExamplesTest {

    @Test
    void aRunStartedAgainSkipsWhatSucceededAndRunsTheFailedOnesAgain(@TempDir Path dir) {
        List<NightlyImport.Item> items = IntStream.range(0, 100).mapToObj(i -> new NightlyImport.Item("item-" + i))
                .collect(Collectors.toList());
        NightlyImport job = new NightlyImport();
        job.broken.addAll(List.of("item-7", "item-42"));

        Summary first = job.importAll(dir, items);
        assertThat(first.succeeded()).isEqualTo(98);
        assertThat(first.failed()).isEqualTo(2);
        assertThat(first.skipped()).isZero();

        job.broken.remove("item-7");                      // fixed; item-42 still fails
        Summary second = job.importAll(dir, items);       // another store, another data source, the same file
        assertThat(second.skipped()).isEqualTo(98);
        assertThat(second.succeeded()).isEqualTo(1);
        assertThat(second.failed()).isEqualTo(1);
        assertThat(second.toString())
                .contains("1 succeeded, 1 failed (1 IllegalStateException), 0 cancelled, 98 skipped in ");
        assertThat(job.calls).hasSize(100).allSatisfy((id, calls) -> assertThat(calls.get())
                .as(id).isEqualTo(id.equals("item-7") || id.equals("item-42") ? 2 : 1));

        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("checkpoints") + ";WRITE_DELAY=0");
        CheckpointStore store = CheckpointStore.jdbc(dataSource);
        NightlyImport.Report report = NightlyImport.reportAndClear(store);
        assertThat(report.succeeded()).isEqualTo(99);
        assertThat(report.failures()).containsExactly(new CheckpointStore.Failure("item-42",
                IllegalStateException.class.getName(), "no price for item-42", 2));
        assertThat(store.succeeded("nightly-import")).isZero();
        assertThat(store.failedCount("nightly-import")).isZero();
        assertThat(store.runNames()).doesNotContain("nightly-import");

        job.broken.clear();
        Summary afterClear = job.importAll(dir, items);
        assertThat(afterClear.skipped()).isZero();
        assertThat(afterClear.succeeded()).isEqualTo(100);
        assertThat(job.calls.get("item-0").get()).isEqualTo(2);
    }
}
