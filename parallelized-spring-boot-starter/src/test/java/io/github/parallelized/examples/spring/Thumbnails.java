package io.github.parallelized.examples.spring;

// tag::quick-start-spring[]
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.spring.ParallelizedFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

@Service
public class Thumbnails {
    private static final Logger log = LoggerFactory.getLogger(Thumbnails.class);
    private final ParallelizedFactory parallelized;

    public Thumbnails(ParallelizedFactory parallelized) {
        this.parallelized = parallelized;
    }

    public void renderAll(List<Path> images) {
        try (Parallelized<Path, Path> run = parallelized.of(this::render, images).desc("thumbnails").start()) {
            for (Outcome<Path, Path> o : run) {
                if (!o.isSuccess()) {
                    log.warn("{} failed after {} attempts: {}", o.input(), o.attempts(), o.error().toString());
                }
            }
        }
    }

    public Path render(Path image) throws IOException {
        Path thumbnail = image.resolveSibling("thumb-" + image.getFileName());
        return Files.copy(image, thumbnail, StandardCopyOption.REPLACE_EXISTING);   // the real work goes here
    }
}
// end::quick-start-spring[]
