package io.github.parallelized.examples.spring;

// tag::named-limit-service[]
import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.RetryPolicy;
import io.github.parallelized.TaskLimit;
import io.github.parallelized.spring.ParallelizedFactory;
import io.github.parallelized.spring.ParallelizedLimits;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

@Service
public class Completions {
    private static final RetryPolicy POLICY = RetryPolicy.exponential(4, Duration.ofMillis(500), Duration.ofSeconds(5))
            .withJitter(0.2);
    private final ParallelizedFactory factory;
    private final TaskLimit openai;

    public Completions(ParallelizedFactory factory, ParallelizedLimits limits) {
        this.factory = factory;
        this.openai = limits.get("openai");          // or inject @Qualifier("openai") TaskLimit
    }

    public Map<String, String> completeAll(List<String> prompts) {
        Map<String, String> answers = new HashMap<>();
        try (Parallelized<String, String> par = factory.of(this::complete, prompts)
                .limit(openai)                       // shared with every run that applies it
                .retry(POLICY)
                .start()) {
            for (Outcome<String, String> o : par) {
                answers.put(o.input(), o.isSuccess() ? o.result() : "failed: " + o.error());
            }
        }
        return answers;
    }

    public String complete(String prompt) {
        return "answer to " + prompt;                // the call to the model goes here
    }
}
// end::named-limit-service[]
