package io.github.parallelized;

/** No display; lines written through {@link Progress#write(String)} still reach standard output, as tqdm's do. */
final class SilentReporter implements ProgressReporter {

    static final SilentReporter INSTANCE = new SilentReporter();

    private SilentReporter() {
    }

    @Override
    public void onWrite(String run, String line) {
        System.out.println(line);
    }

    @Override
    public String toString() {
        return "ProgressReporter.none()";
    }
}
