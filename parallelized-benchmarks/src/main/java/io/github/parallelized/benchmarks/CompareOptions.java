package io.github.parallelized.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@code compare} runs and how often.
 *
 * @param smoke     a few seconds of everything, counts only (the test uses it)
 * @param rounds    measured rounds per workload
 * @param warmups   warm-up rounds per workload, not counted
 * @param workloads the workload groups to run ({@code noop, fixed, cpu, sleep, sleep-virtual, sleep-virtual-100k, stream}), null: all
 * @param systems   the systems to run besides the baselines, null: all
 */
record CompareOptions(boolean smoke, int rounds, int warmups, Set<String> workloads, Set<String> systems) {

    static CompareOptions parse(String... args) {
        boolean smoke = false;
        Integer rounds = null;
        Integer warmups = null;
        Set<String> workloads = null;
        Set<String> systems = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--smoke" -> smoke = true;
                case "--rounds" -> rounds = count(option, value(args, ++i, option), 1);
                case "--warmups" -> warmups = count(option, value(args, ++i, option), 0);
                case "--workloads" -> workloads = new LinkedHashSet<>(Arrays.asList(value(args, ++i, option).split(",")));
                case "--systems" -> systems = new LinkedHashSet<>(Arrays.asList(value(args, ++i, option).split(",")));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new CompareOptions(smoke, rounds != null ? rounds : smoke ? 1 : 5,
                warmups != null ? warmups : smoke ? 0 : 2, workloads, systems);
    }

    boolean wants(String workloadGroup) {
        return workloads == null || workloads.contains(workloadGroup);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int count(String option, String value, int min) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not " + value, e);
        }
        if (parsed < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", not " + value);
        }
        return parsed;
    }
}
