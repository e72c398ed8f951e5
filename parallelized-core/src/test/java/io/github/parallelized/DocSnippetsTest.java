package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every code snippet of the README and {@code docs/} is a copy of a region of a source file that a test compiles
 * and runs, so that the documentation cannot drift from the code.
 *
 * <p>How: in the Markdown, the line before a fenced block names its snippet, {@code <!-- snippet: name -->}. In a
 * source file of any module ({@code src/test} or {@code src/main}: Java, YAML, properties), the region between
 * the lines that contain {@code tag::name[]} and {@code end::name[]} is the snippet (those two lines left out,
 * the region's common indentation removed). This test checks that every {@code java} and {@code yaml} block
 * has a name, that each name is defined once, and that block and region are equal, character for character.
 * The test that runs the region is beside it: the examples under {@code src/test/java/io/github/parallelized/examples}
 * of each module and their tests. The coordinates ({@code xml}, {@code groovy}) are checked for the project's
 * version; blocks in other languages ({@code bash}, {@code text}, {@code json}, {@code promql}) are commands and
 * output.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("..");
    private static final Set<String> CHECKED = Set.of("java", "yaml");
    private static final Pattern MARKER = Pattern.compile("<!--\\s*snippet:\\s*([\\w.-]+)\\s*-->");
    private static final Pattern TAG = Pattern.compile("tag::([\\w.-]+)\\[]");
    private static final Pattern END = Pattern.compile("end::([\\w.-]+)\\[]");

    record Block(Path file, int line, String lang, String name, String text) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    @Test
    void everyCodeBlockHasANameAndEqualsItsTestedRegion() throws IOException {
        List<Block> blocks = blocks();
        assertThat(blocks).as("code blocks found").hasSizeGreaterThan(5);
        Map<String, List<String>> regions = regions();
        List<String> problems = new ArrayList<>();
        regions.forEach((name, defined) -> {
            if (defined.size() > 1) {
                problems.add("snippet '" + name + "' is defined " + defined.size() + " times");
            }
        });
        for (Block block : blocks) {
            if (block.name() == null) {
                problems.add(block.where() + ": a ```" + block.lang()
                        + " block without <!-- snippet: name --> on the line before it");
                continue;
            }
            List<String> defined = regions.get(block.name());
            if (defined == null) {
                problems.add(block.where() + ": snippet '" + block.name() + "' is not tagged in any source file");
            } else if (!defined.get(0).equals(block.text())) {
                problems.add(block.where() + ": snippet '" + block.name() + "' differs from its source.\n--- docs:\n"
                        + block.text() + "\n--- source:\n" + defined.get(0));
            }
        }
        assertThat(problems).as(String.join("\n\n", problems)).isEmpty();
    }

    @Test
    void theCoordinatesShowTheProjectsVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>parallelized-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        String version = m.group(1);
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("<version>" + version + "</version>")
                .contains("io.github.parallelized:parallelized-core:" + version);
    }

    /** The java, yaml and xml blocks of README.md and docs/**.md, with the snippet name before each. */
    static List<Block> blocks() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Block> blocks = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.startsWith("```") || line.length() == 3) {
                    continue;
                }
                String lang = line.substring(3).trim();
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).startsWith("```")) {
                    end++;
                }
                if (CHECKED.contains(lang)) {
                    Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
                    String name = marker != null && marker.find() ? marker.group(1) : null;
                    blocks.add(new Block(file, i + 1, lang, name, String.join("\n", lines.subList(i + 1, end))));
                }
                i = end;
            }
        }
        return blocks;
    }

    /** Every tagged region of every module's sources, by name (a list: a name tagged twice is an error). */
    static Map<String, List<String>> regions() throws IOException {
        Map<String, List<String>> regions = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> all = Files.walk(ROOT)) {
            sources = all.filter(p -> {
                String s = ROOT.relativize(p).toString().replace('\\', '/');
                return s.contains("/src/") && !s.contains("/target/") && !s.startsWith(".git")
                        && (s.endsWith(".java") || s.endsWith(".yml") || s.endsWith(".yaml")
                        || s.endsWith(".properties") || s.endsWith(".kts") || s.endsWith(".xml"));
            }).sorted().collect(Collectors.toList());
        }
        for (Path source : sources) {
            List<String> lines;
            try {
                lines = Files.readAllLines(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Integer> open = new LinkedHashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                Matcher tag = TAG.matcher(lines.get(i));
                if (tag.find() && !source.endsWith("DocSnippetsTest.java")) {
                    open.put(tag.group(1), i + 1);
                    continue;
                }
                Matcher end = END.matcher(lines.get(i));
                if (end.find() && open.containsKey(end.group(1))) {
                    int from = open.remove(end.group(1));
                    List<String> region = new ArrayList<>();
                    for (String l : lines.subList(from, i)) {
                        if (!TAG.matcher(l).find() && !END.matcher(l).find()) {
                            region.add(l);
                        }
                    }
                    regions.computeIfAbsent(end.group(1), k -> new ArrayList<>()).add(dedent(region));
                }
            }
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
