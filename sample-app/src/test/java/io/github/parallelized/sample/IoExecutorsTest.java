package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IoExecutorsTest {

    @Test
    void runsTasksOnNamedThreadsThatCannotKeepTheJvmAlive() throws Exception {
        ExecutorService executor = IoExecutors.platformPool(2);
        try {
            Thread thread = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
            assertThat(thread.getName()).startsWith(IoExecutors.PREFIX);
            assertThat(thread.isDaemon()).isTrue();
        } finally {
            executor.shutdown();
        }
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
