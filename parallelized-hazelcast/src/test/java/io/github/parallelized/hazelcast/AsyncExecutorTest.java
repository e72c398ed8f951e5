package io.github.parallelized.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.hazelcast.internal.util.ConcurrencyUtil;

/** On a machine whose common pool has one thread, Hazelcast's thread-per-completion fallback is replaced. */
class AsyncExecutorTest {

    @Test
    void hazelcastsDefaultAsyncExecutorNeverStartsAThreadPerTask() throws Exception {
        AsyncExecutor.installIfThreadPerTask();
        AsyncExecutor.installIfThreadPerTask();
        CompletableFuture<String> thread = new CompletableFuture<>();
        ConcurrencyUtil.getDefaultAsyncExecutor().execute(() -> thread.complete(Thread.currentThread().getName()));
        String name = thread.get(5, TimeUnit.SECONDS);
        if (ForkJoinPool.getCommonPoolParallelism() > 1) {
            assertThat(ConcurrencyUtil.getDefaultAsyncExecutor()).isSameAs(ForkJoinPool.commonPool());
        } else {
            assertThat(name).startsWith("parallelized-hazelcast-async-");
        }
    }
}
