package io.github.parallelized.sample;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The sample with its {@code cluster} profile on an {@link IsolatedCluster}, on a random HTTP port, with
 * {@code /actuator/prometheus}; one annotation for every cluster test, so that they share one application context
 * (and one member) instead of starting their own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.profiles.active=cluster", "parallelized.progress=metrics",
                "parallelized.metrics.retention=10m",
                // Selenium warns that it has no CDP binding for this Chromium; the browser tests do not use CDP
                "logging.level.org.openqa.selenium.devtools=error"})
@AutoConfigureRestTestClient
@AutoConfigureMetrics
@Import(IsolatedCluster.class)
@interface ClusterSampleTest {
}
