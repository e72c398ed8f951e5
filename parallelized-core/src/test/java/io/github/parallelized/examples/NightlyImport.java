package io.github.parallelized.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Summary;
import org.h2.jdbcx.JdbcDataSource;

/** docs/resume.md's plain-Java example: a checkpointed import on an embedded H2 file, and what the store tells. */
final class NightlyImport {

    /** An input: its id is its key in the checkpoint. */
    record Item(String id) {
    }

    /** A result. */
    record Receipt(String itemId) {
    }

    /** The ids whose import throws, as a bad row would. */
    final Set<String> broken = ConcurrentHashMap.newKeySet();
    /** How many times each id was imported (attempted). */
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    Receipt importItem(Item item) {
        calls.computeIfAbsent(item.id(), k -> new AtomicInteger()).incrementAndGet();
        if (broken.contains(item.id())) {
            throw new IllegalStateException("no price for " + item.id());
        }
        return new Receipt(item.id());
    }

    /** One run of the import, checkpointed in an H2 file under {@code dir}. */
    Summary importAll(Path dir, List<Item> items) {
        // tag::resume-java[]
        JdbcDataSource dataSource = new JdbcDataSource();                // embedded H2 (org.h2.jdbcx), a file
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("checkpoints") + ";WRITE_DELAY=0");
        CheckpointStore store = CheckpointStore.jdbc(dataSource);        // creates its table when absent

        try (Parallelized<Item, Receipt> par = Parallelized.of(this::importItem, items)
                .checkpoint(store, "nightly-import", Item::id)            // run name, key of an input
                .start()) {
            for (Outcome<Item, Receipt> o : par) {
                if (!o.isSuccess()) {
                    System.err.println(o.input().id() + " failed: " + o.error());
                }
            }
            return par.summary();   // as the bar prints it at the end: "..., 98 skipped in ..." on a resumed run
        }
        // end::resume-java[]
    }

    /** What the store says of the run, then forgets it. */
    static Report reportAndClear(CheckpointStore store) {
        // tag::resume-store[]
        List<CheckpointStore.Failure> failures = store.failed("nightly-import", 20);   // the first 20, by key
        long succeeded = store.succeeded("nightly-import");                           // how many succeeded
        store.clear("nightly-import");                                              // forget: the next run runs all
        // end::resume-store[]
        return new Report(failures, succeeded);
    }

    /** What {@link #reportAndClear} read. */
    record Report(List<CheckpointStore.Failure> failures, long succeeded) {
    }
}
