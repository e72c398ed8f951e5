package io.github.parallelized.examples.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Summary;
import io.github.parallelized.spring.ParallelizedFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** docs/resume.md's and the README's Spring example: a run that names just its checkpoint. */
@Service
public class NightlyImport {
    private static final Logger log = LoggerFactory.getLogger(NightlyImport.class);

    /** An input: its id is its key in the checkpoint. */
    public record Item(String id) {
    }

    /** A result. */
    public record Receipt(String itemId) {
    }

    /** The ids whose import throws, as a bad row would (the test sets them). */
    final Map<String, Boolean> broken = new ConcurrentHashMap<>();
    /** How many times each id was imported (attempted) in this application context. */
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final ParallelizedFactory factory;

    /**
     * The factory of the starter.
     *
     * @param factory the starter's factory, with the checkpoint store on the application's DataSource
     */
    public NightlyImport(ParallelizedFactory factory) {
        this.factory = factory;
    }

    /**
     * Imports the items, skipping those a previous run under the same name imported.
     *
     * @param items the items
     * @return the run's summary
     */
    public Summary importAll(List<Item> items) {
        // tag::resume-spring[]
        try (Parallelized<Item, Receipt> par = factory.of(this::importItem, items)
                .checkpoint("nightly-import", Item::id).start()) {
            par.forEach(this::report);       // a resumed run has no outcome for what succeeded before
            return par.summary();
        }
        // end::resume-spring[]
    }

    Receipt importItem(Item item) {
        calls.computeIfAbsent(item.id(), k -> new AtomicInteger()).incrementAndGet();
        if (broken.containsKey(item.id())) {
            throw new IllegalStateException("no price for " + item.id());
        }
        return new Receipt(item.id());
    }

    private void report(Outcome<Item, Receipt> outcome) {
        if (!outcome.isSuccess()) {
            log.warn("{} failed: {}", outcome.input().id(), outcome.error().toString());
        }
    }
}
