package io.github.parallelized;

/**
 * A reporter of this library whose work decides how the run ends: the checkpoint's last write ({@link
 * Checkpointing}). That work is done before the run's state is fixed ({@link Reporters#beforeFinish}), so that a
 * failure it reports (through the run's {@code fail}) ends the run FAILED before anyone hears of its end: nothing
 * is reported as completed that was not recorded.
 */
interface DecidesTheEnd {

    /** Called once, on the thread that finishes the run, before its state is fixed and before any onFinish. */
    void beforeFinish();
}
