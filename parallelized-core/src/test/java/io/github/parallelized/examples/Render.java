package io.github.parallelized.examples;

// tag::quick-start-java[]
import io.github.parallelized.Errors;
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;

import java.util.List;
import java.util.Map;

public class Render {
    public static void main(String[] args) {
        List<String> jobs = List.of("a.png", "b.png", "c.png");
        try (Parallelized<String, String> par = Parallelized.of(Render::render, jobs)
                .numThreads(4)              // default: available processors
                .desc("Rendering")          // the bar's label (and the metrics' batch tag)
                .start()) {
            par.pbar().setPostfix(Map.of("status", "processing"));
            for (Outcome<String, String> o : par) {             // completion order
                if (o.error() != null) {
                    par.pbar().write("failed " + o.input() + ": " + Errors.describe(o.error(), false));
                } else {
                    par.pbar().write("done: " + o.result());
                }
            }
        }
    }

    static String render(String file) throws Exception {
        Thread.sleep(100);                  // the work; anything it throws lands in the outcome
        return file + " rendered";
    }
}
// end::quick-start-java[]
