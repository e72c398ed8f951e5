package io.github.parallelized.spring;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ParallelizedException;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.RunState;
import io.micrometer.common.KeyValues;
import io.micrometer.context.ContextRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The caller's context inside every task, and the observations (spans) of runs and tasks, with no application code. */
// an observation scope makes the request current for its block; the block need not name it
@SuppressWarnings("try")
class ContextAndObservationTests {

    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    static {
        // what a library does to have its thread-local carried by context-propagation
        ContextRegistry.getInstance().registerThreadLocalAccessor("test.tenant", TENANT);
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedObservationAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none");

    private static ParallelizedFactory factory(ApplicationContext context) {
        return context.getBean(ParallelizedFactory.class);
    }

    @Test
    void theRunIdIsInTheMdcOfEveryTaskAndThePooledThreadKeepsNothing() {
        runner.run(context -> {
            Parallelized<Integer, String> run = factory(context).<Integer, String>of(i -> MDC.get(ParallelizedFactory.MDC_RUN_ID),
                    IntStream.range(0, 50).boxed().toList()).start();
            assertThat(Gate.drain(run)).extracting(Outcome::result).containsOnly(run.id());
            // the same shared threads, outside any run: no run id and no caller MDC left behind
            context.getBean(SharedPool.class).executor().submit(() -> { }).get(10, TimeUnit.SECONDS);
            List<String> leftOnPool = IntStream.range(0, 4).mapToObj(i -> {
                try {
                    return context.getBean(SharedPool.class).executor()
                            .submit(() -> String.valueOf(MDC.get(ParallelizedFactory.MDC_RUN_ID)))
                            .get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(leftOnPool).containsOnly("null");
        });
    }

    @Test
    void aRegisteredThreadLocalAccessorIsCarriedWhenContextPropagationIsPresent() {
        runner.run(context -> assertThat(tenantsSeen(context)).containsOnly("acme"));
        runner.withPropertyValues("parallelized.propagate-context=false")
                .run(context -> assertThat(tenantsSeen(context)).containsOnly("none"));
    }

    @Test
    void withoutContextPropagationOnTheClassPathTheMdcStillFollows() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer.context")).run(context -> {
            assertThat(context).hasNotFailed();
            // no ObservationRegistry here either: the MDC is all that follows
            assertThat(context.getBeansOfType(RunDecoration.class)).containsOnlyKeys("parallelizedMdc");
            MDC.put("request", "r-1");
            try {
                assertThat(Gate.drain(factory(context).of(i -> MDC.get("request"), List.of(1, 2, 3)).start()))
                        .extracting(Outcome::result).containsOnly("r-1");
            } finally {
                MDC.remove("request");
            }
        });
    }

    @Test
    void oneRunObservationPerRunChildOfTheCallersWithItsKeyValuesAndNoTaskObservationsByDefault() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner.withBean(ObservationRegistry.class, () -> observations).run(context -> {
            Observation request = Observation.start("request", observations);
            Parallelized<Integer, Integer> run;
            try (Observation.Scope scope = request.openScope()) {
                run = factory(context).<Integer, Integer>of(i -> {
                    assertThat(observations.getCurrentObservation().getContext().getName())
                            .isEqualTo("parallelized.run");
                    return i;
                }, List.of(1, 2, 3)).desc("obs\nbatch").start();
                assertThat(Gate.drain(run)).allMatch(Outcome::isSuccess);
            }
            request.stop();
            TestObservationRegistryAssert.assertThat(observations)
                    .hasNumberOfObservationsWithNameEqualTo("parallelized.run", 1)
                    .hasNumberOfObservationsWithNameEqualTo("parallelized.task", 0)
                    .hasObservationWithNameEqualTo("parallelized.run").that()
                    .hasBeenStarted().hasBeenStopped()
                    .hasParentObservationEqualTo(request)
                    .hasContextualNameEqualTo("parallelized obs\uFFFDbatch")
                    .hasLowCardinalityKeyValue("batch", "obs\uFFFDbatch")
                    .hasLowCardinalityKeyValue("state", "COMPLETED")
                    .hasHighCardinalityKeyValue("run.id", run.id());
        });
    }

    /**
     * A run whose checkpoint store fails at its last write (the one at the run's end, for these few inputs): its
     * observation ends FAILED with an error, as the run does. It ended COMPLETED, the state fixed before that write.
     */
    @Test
    void aRunWhoseCheckpointStoreFailsAtItsLastWriteIsObservedFailed() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        CheckpointStore memory = CheckpointStore.inMemory();
        CheckpointStore refusing = new CheckpointStore() {
            @Override
            public long succeeded(String runName) {
                return memory.succeeded(runName);
            }

            @Override
            public long failedCount(String runName) {
                return memory.failedCount(runName);
            }

            @Override
            public List<Failure> failed(String runName, int max) {
                return memory.failed(runName, max);
            }

            @Override
            public void clear(String runName) {
                memory.clear(runName);
            }

            @Override
            public List<String> runNames() {
                return memory.runNames();
            }

            @Override
            public Set<String> succeededAmong(String runName, Collection<String> keys) {
                return memory.succeededAmong(runName, keys);
            }

            @Override
            public void record(String runName, List<Entry> entries) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public String toString() {
                return "RefusingStore";
            }
        };
        runner.withBean(ObservationRegistry.class, () -> observations).run(context -> {
            Parallelized<Integer, Integer> run = factory(context).<Integer, Integer>of(i -> i, List.of(1, 2, 3))
                    .desc("last-write").checkpoint(refusing, "last-write", String::valueOf).start();
            assertThatThrownBy(() -> Gate.drain(run)).isInstanceOf(ParallelizedException.class)
                    .hasMessageContaining("RefusingStore").hasMessageContaining("disk full");
            assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("parallelized.run").that()
                    .hasBeenStopped().hasLowCardinalityKeyValue("state", "FAILED").hasError();
        });
    }

    @Test
    void taskObservationsPerAttemptWhenSwitchedOnChildrenOfTheRunsWithTheirOutcome() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner.withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("parallelized.observation.tasks=true").run(context -> {
                    Parallelized<Integer, Integer> run = factory(context).<Integer, Integer>of(i -> {
                        if (i == 2) {
                            throw new IllegalStateException("boom");
                        }
                        return i;
                    }, List.of(1, 2, 3)).retry(2, java.time.Duration.ZERO, IllegalStateException.class::isInstance)
                            .desc("tasks").start();
                    assertThat(Gate.drain(run)).hasSize(3);
                    TestObservationRegistryAssert.assertThat(observations)
                            // 1 and 3 once, 2 twice (retried): one observation per attempt
                            .hasNumberOfObservationsWithNameEqualTo("parallelized.task", 4)
                            .forAllObservationsWithNameEqualTo("parallelized.task", task -> task
                                    .hasParentObservation()
                                    .hasLowCardinalityKeyValue("batch", "tasks")
                                    .hasHighCardinalityKeyValue("run.id", run.id()));
                    TestObservationRegistryAssert.assertThat(observations).hasHandledContextsThatSatisfy(contexts ->
                            assertThat(contexts).filteredOn(c -> "parallelized.task".equals(c.getName()))
                                    .extracting(c -> c.getLowCardinalityKeyValue("outcome").getValue())
                                    .containsExactlyInAnyOrder("success", "success", "failure", "failure"));
                });
    }

    @Test
    void conventionBeansReplaceTheDefaults() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner.withBean(ObservationRegistry.class, () -> observations)
                .withBean(RunObservationConvention.class, () -> new DefaultRunObservationConvention() {
                    @Override
                    public String getName() {
                        return "jobs.run";
                    }

                    @Override
                    public KeyValues getLowCardinalityKeyValues(RunObservationContext context) {
                        return super.getLowCardinalityKeyValues(context).and("team", "billing");
                    }
                }).run(context -> {
                    Gate.drain(factory(context).of(i -> i, List.of(1)).desc("x").start());
                    TestObservationRegistryAssert.assertThat(observations)
                            .hasNumberOfObservationsWithNameEqualTo("parallelized.run", 0)
                            .hasObservationWithNameEqualTo("jobs.run").that()
                            .hasLowCardinalityKeyValue("team", "billing").hasLowCardinalityKeyValue("batch", "x");
                });
    }

    @Test
    void withATracingBridgeTasksSeeTheCallersTraceAndSpansNestRequestRunTask() {
        SimpleTracer tracer = new SimpleTracer();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        runner.withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("parallelized.observation.tasks=true").run(context -> {
                    Observation request = Observation.start("request", observations);
                    List<Outcome<Integer, String>> outcomes;
                    try (Observation.Scope scope = request.openScope()) {
                        outcomes = Gate.drain(factory(context).<Integer, String>of(
                                i -> tracer.currentSpan().context().traceId(), List.of(1, 2, 3)).desc("traced").start());
                    }
                    request.stop();
                    SimpleSpan requestSpan = span(tracer, "request");
                    SimpleSpan runSpan = span(tracer, "parallelized traced");
                    assertThat(outcomes).extracting(Outcome::result).containsOnly(requestSpan.getTraceId());
                    assertThat(runSpan.getParentId()).isEqualTo(requestSpan.getSpanId());
                    assertThat(tracer.getSpans()).filteredOn(s -> s.getName().equals("parallelized task traced"))
                            .hasSize(3)
                            .allSatisfy(task -> assertThat(task.getParentId()).isEqualTo(runSpan.getSpanId()));
                });
    }

    @Test
    void withBraveTheTasksSeeTheCallersTraceIdInTheMdcAndTheirSpansAreChildrenOfTheRunsSpan() {
        List<brave.handler.MutableSpan> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
        brave.propagation.ThreadLocalCurrentTraceContext braveContext = brave.propagation.ThreadLocalCurrentTraceContext
                .newBuilder().addScopeDecorator(brave.context.slf4j.MDCScopeDecorator.get()).build();
        brave.Tracing tracing = brave.Tracing.newBuilder().currentTraceContext(braveContext)
                .addSpanHandler(new brave.handler.SpanHandler() {
                    @Override
                    public boolean end(brave.propagation.TraceContext context, brave.handler.MutableSpan span,
                                       Cause cause) {
                        finished.add(span);
                        return true;
                    }
                }).build();
        io.micrometer.tracing.Tracer tracer = new io.micrometer.tracing.brave.bridge.BraveTracer(tracing.tracer(),
                new io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext(braveContext));
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        try {
            runner.withBean(ObservationRegistry.class, () -> observations)
                    .withPropertyValues("parallelized.observation.tasks=true").run(context -> {
                        Observation request = Observation.start("request", observations);
                        String traceId;
                        List<Outcome<Integer, String>> outcomes;
                        try (Observation.Scope scope = request.openScope()) {
                            traceId = MDC.get("traceId");
                            outcomes = Gate.drain(factory(context).<Integer, String>of(i -> MDC.get("traceId"),
                                    List.of(1, 2, 3)).desc("brave").start());
                        }
                        request.stop();
                        assertThat(traceId).isNotBlank();
                        assertThat(outcomes).extracting(Outcome::result).containsOnly(traceId);
                        brave.handler.MutableSpan requestSpan = finished.stream()
                                .filter(span -> "request".equals(span.name())).findFirst().orElseThrow();
                        brave.handler.MutableSpan runSpan = finished.stream()
                                .filter(span -> "parallelized brave".equals(span.name())).findFirst().orElseThrow();
                        assertThat(runSpan.parentId()).isEqualTo(requestSpan.id());
                        assertThat(runSpan.tags()).containsEntry("batch", "brave").containsEntry("state", "COMPLETED");
                        assertThat(finished).filteredOn(span -> "parallelized task brave".equals(span.name()))
                                .hasSize(3).allSatisfy(task -> assertThat(task.parentId()).isEqualTo(runSpan.id()));
                    });
        } finally {
            tracing.close();
        }
    }

    @Test
    void builderCustomizersApplyToEveryRunInOrder() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withBean("second", ParallelizedBuilderCustomizer.class, () -> builder -> seen.add("second"),
                        definition -> definition.setAttribute("order", 2))
                .withBean("listening", ParallelizedBuilderCustomizer.class, () -> builder -> builder.listener(
                        new ProgressReporter() {
                            @Override
                            public void onStart(Parallelized<?, ?> run) {
                                seen.add("started " + run.progress().snapshot().description());
                            }
                        }))
                .run(context -> {
                    Gate.drain(factory(context).of(i -> i, List.of(1)).desc("customized").start());
                    assertThat(seen).contains("second", "started customized");
                });
    }

    private static SimpleSpan span(SimpleTracer tracer, String name) {
        return tracer.getSpans().stream().filter(s -> name.equals(s.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' in " + tracer.getSpans()));
    }

    private static List<String> tenantsSeen(ApplicationContext context) {
        TENANT.set("acme");
        try {
            return Gate.drain(factory(context).of(i -> {
                String tenant = TENANT.get();
                return tenant == null ? "none" : tenant;
            }, IntStream.range(0, 20).boxed().toList()).start()).stream().map(Outcome::result).distinct().toList();
        } finally {
            TENANT.remove();
        }
    }
}
