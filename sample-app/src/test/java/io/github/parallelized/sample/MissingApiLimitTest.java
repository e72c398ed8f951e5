package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service without {@code parallelized.limits.api} (a configuration of its own that left it out): api runs need
 * that limit, so the start-up stops naming it. Before, the service started and answered every api run with a bare
 * 500 (the factory's "no limit named 'api'" reached nobody).
 */
class MissingApiLimitTest {

    @Test
    void withoutTheApiLimitTheStartUpStopsNamingIt() {
        SpringApplicationBuilder service = new SpringApplicationBuilder(SampleApplication.class)
                // no application.yml: none of its settings, among them parallelized.limits.api
                .properties("spring.config.name=no-such-config", "sample.demo.enabled=false", "server.port=0",
                        "spring.main.banner-mode=off");
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext started = service.run()) {
                assertThat(started.isActive()).isTrue();
            }
        }).satisfies(e -> {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).hasMessageContaining("parallelized.limits.api");
        });
    }
}
