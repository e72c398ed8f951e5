package io.github.parallelized.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The task functions of the workloads. */
final class Tasks {

    private static volatile int cpuRounds = 20_000;

    private Tasks() {
    }

    static Function<Integer, Integer> noop() {
        return x -> x;
    }

    /** About {@code millis} of hashing on one core, once {@link #calibrateCpu(double)} has run. */
    static Function<Integer, Integer> cpu() {
        return Tasks::hash;
    }

    static Function<Integer, Integer> sleep(long millis) {
        return x -> {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return x;
        };
    }

    /** A chain of 64-bit mixes (SplitMix64's finalizer): no memory traffic, nothing the JIT can fold away. */
    static int hash(int input) {
        long h = input;
        int rounds = cpuRounds;
        for (int i = 0; i < rounds; i++) {
            h += 0x9E3779B97F4A7C15L;
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return (int) h;
    }

    /** Sets the hashing rounds so that one {@link #cpu()} task takes about {@code millis} on this machine. */
    static void calibrateCpu(double millis) {
        int sink = 0;
        cpuRounds = 20_000;
        for (int i = 0; i < 300; i++) {
            sink += hash(i);
        }
        long best = Long.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                sink += hash(i);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 50);
        }
        cpuRounds = (int) Math.max(1, Math.round(20_000 * millis * 1e6 / best));
        if (sink == 42) {
            System.out.print("");
        }
    }
}
