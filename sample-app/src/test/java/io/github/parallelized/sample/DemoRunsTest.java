package io.github.parallelized.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = {
        "sample.demo.runs[0].kind=cpu", "sample.demo.runs[0].count=3", "sample.demo.runs[0].desc=demo one",
        "sample.demo.runs[1].kind=nonsense", "sample.demo.runs[1].count=3",
        // the wrong entry is logged as a warning, expected here
        "logging.level.io.github.parallelized.sample.DemoRuns=error"})
class DemoRunsTest {

    @Autowired
    private RunService service;

    @Test
    void launchesTheValidDemoRunsAtStartUpAndSkipsTheWrongOnes() {
        assertThat(service.list()).extracting(RunView::desc).containsExactly("demo one");
    }
}
