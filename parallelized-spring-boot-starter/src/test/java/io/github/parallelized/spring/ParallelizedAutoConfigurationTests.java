package io.github.parallelized.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.task.TaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class ParallelizedAutoConfigurationTests {

    /**
     * The core logs through the JDK's logger; in an application Spring Boot's logging system bridges it into the
     * application's logging at start-up, which a context runner does not do. Bridged here so that the log
     * assertions hold whichever test class ran first.
     */
    @BeforeAll
    static void bridgeTheJdksLoggingAsSpringBootDoes() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private static final ThreadLocal<String> MARKER = new ThreadLocal<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedMetricsAutoConfiguration.class, ParallelizedEndpointAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=2");

    @Test
    void providesTheFactoryRegistryAndSharedPool() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ParallelizedFactory.class)
                    .hasSingleBean(DefaultParallelizedFactory.class)
                    .hasSingleBean(SharedPool.class)
                    .hasSingleBean(RunRegistry.class)
                    .hasSingleBean(RunShutdown.class)
                    .doesNotHaveBean(MicrometerProgress.class)
                    .doesNotHaveBean(java.util.concurrent.Executor.class);
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            List<Outcome<Integer, String>> outcomes = Gate.drain(factory.of(i -> i + ":"
                    + Thread.currentThread().getName(), List.of(1, 2, 3)).start());
            assertThat(outcomes).hasSize(3).allMatch(Outcome::isSuccess)
                    .allSatisfy(o -> assertThat(o.result()).contains(":parallelized-shared-"));
        });
    }

    @Test
    void backsOffForAUserFactory() {
        ParallelizedFactory mine = new ParallelizedFactory() {
            @Override
            public <I, R> Parallelized.Builder<I, R> of(io.github.parallelized.TaskFunction<? super I, ? extends R> fn,
                                                        Iterable<? extends I> tasks) {
                return Parallelized.of(fn, tasks);
            }

            @Override
            public <I, R> Parallelized.Builder<I, R> of(io.github.parallelized.TaskFunction<? super I, ? extends R> fn,
                                                        java.util.Iterator<? extends I> tasks) {
                return Parallelized.of(fn, tasks);
            }

            @Override
            public <I, R> Parallelized.Builder<I, R> of(io.github.parallelized.TaskFunction<? super I, ? extends R> fn,
                                                        Stream<? extends I> tasks) {
                return Parallelized.of(fn, tasks);
            }
        };
        runner.withBean(ParallelizedFactory.class, () -> mine).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(ParallelizedFactory.class)
                            .doesNotHaveBean(DefaultParallelizedFactory.class);
                    // its runs still feed the registry (endpoint, health, shutdown) and the meters
                    Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class)
                            .<Integer, Integer>of(i -> i, List.of(1, 2)).desc("mine").progress(ProgressReporter.none())
                            .start();
                    Gate.drain(run);
                    assertThat(context.getBean(RunRegistry.class).snapshot(run.id())).isPresent();
                    assertThat(context.getBean(MeterRegistry.class).get("parallelized.tasks").tag("batch", "mine")
                            .tag("state", "succeeded").gauge().value()).isEqualTo(2.0);
                });
    }

    @Test
    void perRunPoolHasNoSharedPoolAndRunsStartTheirOwnThreads() {
        runner.withPropertyValues("parallelized.pool=per-run", "parallelized.thread-name-prefix=own-").run(context -> {
            assertThat(context).doesNotHaveBean(SharedPool.class);
            List<Outcome<Integer, String>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                    .of(i -> Thread.currentThread().getName(), List.of(1, 2, 3)).start());
            assertThat(outcomes).allSatisfy(o -> assertThat(o.result()).startsWith("own-").doesNotContain("shared"));
        });
    }

    @Test
    void numThreadsLimitsTheTasksRunningAtOnce() {
        runner.withPropertyValues("parallelized.num-threads=3").run(context -> {
            Gate gate = new Gate();
            CountDownLatch started = new CountDownLatch(3);
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                started.countDown();
                gate.pass();
                return i;
            }, IntStream.range(0, 10).boxed().toList()).start();
            var outcomes = Gate.consume(run);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // all three pool threads are held by the gate: no fourth task can start
            assertThat(run.progress().snapshot().running()).isEqualTo(3);
            assertThat(run.progress().snapshot().pending()).isEqualTo(7);
            gate.open();
            assertThat(outcomes.get(10, TimeUnit.SECONDS)).hasSize(10).allMatch(Outcome::isSuccess);
        });
    }

    @Test
    void aRunAskingForMoreThanTheSharedLimitIsRefusedAtStartNamingBothFiguresAndTheWaysOut() {
        runner.withPropertyValues("parallelized.num-threads=4").run(context -> {
            AtomicInteger ran = new AtomicInteger();
            Parallelized.Builder<Integer, Integer> builder = context.getBean(ParallelizedFactory.class)
                    .<Integer, Integer>of(i -> ran.incrementAndGet(), List.of(1, 2, 3)).numThreads(64);
            assertThatThrownBy(builder::start).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("numThreads 64")
                    .hasMessageContaining("limit of 4")
                    .hasMessageContaining("parallelized.num-threads")
                    .hasMessageContaining("parallelized.pool=per-run");
            assertThat(ran).hasValue(0);
            assertThat(Gate.drain(builder.numThreads(4).start())).hasSize(3).allMatch(Outcome::isSuccess);
        });
    }

    @Test
    void perRunPoolHonoursAnyNumThreads() {
        runner.withPropertyValues("parallelized.pool=per-run", "parallelized.num-threads=2").run(context -> {
            CountDownLatch allStarted = new CountDownLatch(8);
            List<Outcome<Integer, Boolean>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                    .<Integer, Boolean>of(i -> {
                        allStarted.countDown();
                        return allStarted.await(10, TimeUnit.SECONDS);
                    }, IntStream.range(0, 8).boxed().toList()).numThreads(8).start());
            assertThat(outcomes).extracting(Outcome::result).containsOnly(true);
        });
    }

    @Test
    void withVirtualThreadsTheSharedLimitDefaultsTo256AndIsNoFixedPool() {
        if (Runtime.version().feature() < 21) {
            return; // virtual threads need Java 21: .ci/run repeats the core suite on 25, and this one runs there
        }
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class))
                .withPropertyValues("spring.threads.virtual.enabled=true").run(context -> {
                    SharedPool pool = context.getBean(SharedPool.class);
                    assertThat(pool.limit()).isEqualTo(256);
                    assertThat(pool.threadPool().allowsCoreThreadTimeOut()).isTrue();
                    CountDownLatch allStarted = new CountDownLatch(256);
                    List<Outcome<Integer, Boolean>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                            .<Integer, Boolean>of(i -> {
                                allStarted.countDown();
                                return allStarted.await(10, TimeUnit.SECONDS);
                            }, IntStream.range(0, 512).boxed().toList()).start());
                    assertThat(outcomes).hasSize(512).extracting(Outcome::result).containsOnly(true);
                });
    }

    @Test
    void maxInFlightLimitsWhatIsTakenFromTheSource() {
        runner.withPropertyValues("parallelized.num-threads=4", "parallelized.pool=per-run",
                "parallelized.max-in-flight=2").run(context -> {
                    Gate gate = new Gate();
                    CountDownLatch started = new CountDownLatch(2);
                    Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class)
                            .<Integer, Integer>of(i -> {
                                started.countDown();
                                gate.pass();
                                return i;
                            }, IntStream.range(0, 10).boxed().toList()).start();
                    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                    await().atMost(10, TimeUnit.SECONDS)
                            .untilAsserted(() -> assertThat(run.progress().snapshot().running()).isEqualTo(2));
                    assertThat(run.progress().snapshot().pending()).isEqualTo(8);
                    gate.open();
                    assertThat(Gate.drain(run)).hasSize(10);
                });
    }

    @Test
    void taskTimeoutAndRetryArePreset() {
        runner.withPropertyValues("parallelized.task-timeout=50ms", "parallelized.retry.max-attempts=3",
                "parallelized.retry.backoff=0s").run(context -> {
                    Gate never = new Gate();
                    AtomicInteger calls = new AtomicInteger();
                    List<Outcome<String, String>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                            .<String, String>of(kind -> {
                                if (kind.equals("hangs")) {
                                    never.pass();
                                }
                                if (calls.incrementAndGet() < 3) {
                                    throw new IllegalStateException("flaky");
                                }
                                return "ok";
                            }, List.of("flaky")).start());
                    assertThat(outcomes).singleElement().satisfies(o -> {
                        assertThat(o.isSuccess()).isTrue();
                        assertThat(o.attempts()).isEqualTo(3);
                    });
                    List<Outcome<String, String>> timedOut = Gate.drain(context.getBean(ParallelizedFactory.class)
                            .<String, String>of(kind -> {
                                never.pass();
                                return "never";
                            }, List.of("hangs")).retry(1, java.time.Duration.ZERO).start());
                    assertThat(timedOut).singleElement()
                            .satisfies(o -> assertThat(o.error()).isInstanceOf(TimeoutException.class));
                });
    }

    @Test
    void whatTheCallerSetsWins() {
        runner.withPropertyValues("parallelized.pool=per-run", "parallelized.num-threads=1",
                "parallelized.thread-name-prefix=preset-").run(context -> {
                    Gate gate = new Gate();
                    CountDownLatch started = new CountDownLatch(3);
                    AtomicInteger displayed = new AtomicInteger();
                    ProgressReporter mine = new ProgressReporter() {
                        @Override
                        public void onStart(Parallelized<?, ?> run) {
                            displayed.incrementAndGet();
                        }
                    };
                    Parallelized<Integer, String> run = context.getBean(ParallelizedFactory.class)
                            .<Integer, String>of(i -> {
                                started.countDown();
                                gate.pass();
                                return Thread.currentThread().getName();
                            }, List.of(1, 2, 3))
                            .numThreads(3).threadNamePrefix("mine-").progress(mine).desc("caller").start();
                    // three at once although the preset is one thread
                    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(displayed).hasValue(1);
                    // the registry still sees the run: replacing the display keeps the listeners
                    assertThat(context.getBean(RunRegistry.class).snapshot(run.id())).isPresent();
                    gate.open();
                    assertThat(Gate.drain(run)).allSatisfy(o -> assertThat(o.result()).startsWith("mine-"));
                });
    }

    @Test
    void withoutMeterRegistryProgressGoesToTheLog(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(MicrometerProgress.class);
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1, 2)).desc("logged batch").start());
            assertThat(output).contains("logged batch: 2 succeeded");
        });
    }

    @Test
    void withMeterRegistryProgressGoesToMetricsOnly(CapturedOutput output) {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MicrometerProgress.class);
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1, 2)).desc("metered batch").start());
            assertThat(context.getBean(MeterRegistry.class).find("parallelized.tasks")
                    .tags("batch", "metered batch", "state", "succeeded").gauge()).isNotNull()
                    .satisfies(g -> assertThat(g.value()).isEqualTo(2.0));
            assertThat(output).doesNotContain("metered batch: 2 succeeded");
        });
    }

    @Test
    void logProgressWithMeterRegistryAlsoRecordsMetrics(CapturedOutput output) {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("parallelized.progress=log")
                .run(context -> {
                    Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1)).desc("both").start());
                    assertThat(output).contains("both: 1 succeeded");
                    assertThat(context.getBean(MeterRegistry.class).find("parallelized.tasks")
                            .tags("batch", "both").gauges()).hasSize(5);
                });
    }

    @Test
    void consoleProgressPrintsToStandardError(CapturedOutput output) {
        runner.withPropertyValues("parallelized.progress=console").run(context -> {
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1, 2, 3)).desc("barred").start());
            assertThat(output.getErr()).contains("barred: 3 succeeded");
        });
    }

    @Test
    void progressNoneRecordsNoMetrics(CapturedOutput output) {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("parallelized.progress=none")
                .run(context -> {
                    Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1)).desc("quiet").start());
                    assertThat(context.getBean(MeterRegistry.class).find("parallelized.tasks").gauges()).isEmpty();
                    assertThat(output).doesNotContain("quiet: 1 succeeded");
                });
    }

    @Test
    void progressMetricsWithoutMeterRegistryStopsStartUp() {
        runner.withPropertyValues("parallelized.progress=metrics").run(context -> {
            assertThat(context).hasFailed();
            assertThat(new PropertiesFailureAnalyzer(null).analyze(context.getStartupFailure()).getDescription())
                    .contains("'parallelized.progress'").contains("'metrics'").contains("MeterRegistry");
        });
    }

    @Test
    void startsWithoutMicrometerAndLogsProgress(CapturedOutput output) {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerProgress.class)
                    .hasSingleBean(ParallelizedFactory.class);
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1)).desc("no micrometer").start());
            assertThat(output).contains("no micrometer: 1 succeeded");
        });
    }

    @Test
    void startsWithoutActuator() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("management.endpoints.web.exposure.include=*")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelizedEndpoint.class)
                        .hasSingleBean(ParallelizedFactory.class));
    }

    @Test
    void taskDecoratorCarriesTheMdcToEveryTaskOnTheSharedPool() {
        // with the starter's own propagation off, only the decorator can carry the MDC
        runner.withBean(TaskDecorator.class, () -> ParallelizedAutoConfigurationTests::copyMdc)
                .withPropertyValues("parallelized.propagate-context=false").run(context -> {
            assertThat(mdcSeenByTasks(context.getBean(ParallelizedFactory.class))).containsOnly("request-42");
        });
    }

    @Test
    void taskDecoratorCarriesTheMdcToThreadsOfARunsOwn() {
        runner.withBean(TaskDecorator.class, () -> ParallelizedAutoConfigurationTests::copyMdc)
                .withPropertyValues("parallelized.pool=per-run", "parallelized.propagate-context=false")
                .run(context -> assertThat(mdcSeenByTasks(context.getBean(ParallelizedFactory.class)))
                        .containsOnly("request-42"));
    }

    @Test
    void withPropagationOffAndNoTaskDecoratorTheMdcStaysBehind() {
        runner.withPropertyValues("parallelized.propagate-context=false")
                .run(context -> assertThat(mdcSeenByTasks(context.getBean(ParallelizedFactory.class)))
                        .containsOnly("none"));
    }

    @Test
    void theMdcFollowsTheWorkWithNoApplicationCode() {
        runner.run(context -> assertThat(mdcSeenByTasks(context.getBean(ParallelizedFactory.class)))
                .containsOnly("request-42"));
        runner.withPropertyValues("parallelized.pool=per-run")
                .run(context -> assertThat(mdcSeenByTasks(context.getBean(ParallelizedFactory.class)))
                        .containsOnly("request-42"));
    }

    @Test
    void severalTaskDecoratorsAllApply() {
        runner.withBean("mdc", TaskDecorator.class, () -> ParallelizedAutoConfigurationTests::copyMdc)
                .withBean("marker", TaskDecorator.class, () -> runnable -> () -> {
                    MARKER.set("yes");
                    try {
                        runnable.run();
                    } finally {
                        MARKER.remove();
                    }
                })
                .run(context -> {
                    MDC.put("request", "request-7");
                    try {
                        List<Outcome<Integer, String>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                                .of(i -> MARKER.get() + "/" + MDC.get("request"), List.of(1, 2)).start());
                        assertThat(outcomes).extracting(Outcome::result).containsOnly("yes/request-7");
                    } finally {
                        MDC.remove("request");
                    }
                });
    }

    /** One test for either kind of JVM, so that no run of the suite skips it. */
    @Test
    void virtualThreadsFollowSpringBootWhereTheJvmHasThem() {
        if (Runtime.version().feature() >= 21) {
            runner.withPropertyValues("spring.threads.virtual.enabled=true")
                    .run(context -> assertThat(virtualSeenByTasks(context)).containsOnly(true));
            runner.withPropertyValues("spring.threads.virtual.enabled=true", "parallelized.pool=per-run")
                    .run(context -> assertThat(virtualSeenByTasks(context)).containsOnly(true));
            runner.withPropertyValues("parallelized.virtual-threads=true")
                    .run(context -> assertThat(virtualSeenByTasks(context)).containsOnly(true));
            runner.withPropertyValues("spring.threads.virtual.enabled=true", "parallelized.virtual-threads=false")
                    .run(context -> assertThat(virtualSeenByTasks(context)).containsOnly(false));
            runner.run(context -> assertThat(virtualSeenByTasks(context)).containsOnly(false));
        } else {
            // asked for explicitly on Java 17: start-up stops and says why
            runner.withPropertyValues("parallelized.virtual-threads=true").run(context -> {
                assertThat(context).hasFailed();
                assertThat(new PropertiesFailureAnalyzer(null).analyze(context.getStartupFailure()).getDescription())
                        .contains("'parallelized.virtual-threads'").contains("'true'").contains("Java 21");
            });
            // following Spring Boot's switch, which has no effect before Java 21
            runner.withPropertyValues("spring.threads.virtual.enabled=true")
                    .run(context -> assertThat(context).hasNotFailed());
        }
    }

    private static boolean isVirtual() throws ReflectiveOperationException {
        if (Runtime.version().feature() < 21) {
            return false;
        }
        Method isVirtual = Thread.class.getMethod("isVirtual");
        return (Boolean) isVirtual.invoke(Thread.currentThread());
    }

    private static List<Boolean> virtualSeenByTasks(org.springframework.context.ApplicationContext context) {
        return Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> isVirtual(), List.of(1, 2, 3)).start())
                .stream().map(Outcome::result).toList();
    }

    private static Runnable copyMdc(Runnable runnable) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            if (captured != null) {
                MDC.setContextMap(captured);
            }
            try {
                runnable.run();
            } finally {
                if (previous != null) {
                    MDC.setContextMap(previous);
                } else {
                    MDC.clear();
                }
            }
        };
    }

    /** Enough tasks, each a little work, that the workers give the shared pool back and are resubmitted. */
    private static List<String> mdcSeenByTasks(ParallelizedFactory factory) {
        MDC.put("request", "request-42");
        try {
            return Gate.drain(factory.of(i -> {
                long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(100);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                String seen = MDC.get("request");
                return seen == null ? "none" : seen;
            }, IntStream.range(0, 500).boxed().toList()).start()).stream().map(Outcome::result).distinct().toList();
        } finally {
            MDC.remove("request");
        }
    }
}
