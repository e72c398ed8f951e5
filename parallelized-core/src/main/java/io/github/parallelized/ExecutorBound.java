package io.github.parallelized;

/**
 * The most tasks a supplied executor runs at once, declared with it ({@link Parallelized.Builder#executor(
 * java.util.concurrent.ExecutorService, int, String)}), and what a refusal of more says after the figures.
 *
 * @param maxThreads the most tasks at once
 * @param whenAbove  the refusal's explanation
 */
record ExecutorBound(int maxThreads, String whenAbove) {

    /** No bound declared. */
    static final ExecutorBound NONE = new ExecutorBound(Integer.MAX_VALUE, "");
}
