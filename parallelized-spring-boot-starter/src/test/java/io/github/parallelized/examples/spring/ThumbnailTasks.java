package io.github.parallelized.examples.spring;

import java.nio.file.Path;

import io.github.parallelized.spring.ClusterTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cluster guide's Spring example: a ClusterTask bean, registered on the local member at start-up. */
@Configuration(proxyBeanMethods = false)
public class ThumbnailTasks {

    // tag::cluster-task-bean[]
    @Bean
    ClusterTask<Path, Path> thumbnail(Thumbnails thumbnails) {
        return ClusterTask.of("thumbnail", thumbnails::render);
    }
    // end::cluster-task-bean[]
}
