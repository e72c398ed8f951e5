package io.github.parallelized.sample;

import io.github.parallelized.TaskFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/** The work of each kind of run: what one task does with its input (an index from 0). */
final class Workloads {

    private Workloads() {
    }

    /**
     * Hashes {@code "item-<index>"} with SHA-256 {@code rounds} times, like the guide's {@code cpu_intensive_task}.
     *
     * @param rounds hash rounds per input
     * @return the task: input index to the hex digest's first 16 characters
     */
    static TaskFunction<Integer, String> cpu(int rounds) {
        return index -> {
            MessageDigest sha = sha256();
            byte[] digest = ("item-" + index).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < rounds; i++) {
                digest = sha.digest(digest);
            }
            return HexFormat.of().formatHex(digest, 0, 8);
        };
    }

    /**
     * Waits like a call to a slow remote service: a random time between half and one and a half times
     * {@code latencyMs}. The wait is interruptible, so a cancelled run stops at once.
     *
     * @param latencyMs the mean wait in milliseconds
     * @return the task: input index to a short response text
     */
    static TaskFunction<Integer, String> io(int latencyMs) {
        return index -> {
            long millis = latencyMs == 0 ? 0 : ThreadLocalRandom.current().nextLong(latencyMs / 2, latencyMs * 3L / 2 + 1);
            Thread.sleep(millis);
            return "response " + index + " after " + millis + " ms";
        };
    }

    /**
     * A remote call that fails at {@code failureRate}: each attempt draws a number in [0, 1) from {@code random}
     * and throws an {@link IOException} when it is below the rate.
     *
     * @param failureRate the share of attempts that fail, 0 to 1
     * @param latencyMs   the mean wait per attempt in milliseconds
     * @param random      the source of draws, thread-safe
     * @return the task
     */
    static TaskFunction<Integer, String> flaky(double failureRate, int latencyMs, DoubleSupplier random) {
        TaskFunction<Integer, String> call = io(latencyMs);
        return index -> {
            String response = call.apply(index);
            if (random.getAsDouble() < failureRate) {
                throw new IOException("simulated failure of call " + index);
            }
            return response;
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
