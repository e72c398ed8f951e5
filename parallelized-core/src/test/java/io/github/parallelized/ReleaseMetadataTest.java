package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * What a build tool and a reader of the repository rely on: the licence, the BOM (which has no parent, so its
 * version is kept by hand) and the changelog agree with the parent pom.
 */
class ReleaseMetadataTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theBomHasTheParentsVersionAndEveryPublishedModule() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("parallelized-bom/pom.xml"));
        String version = firstVersion(parent);
        assertThat(firstVersion(bom)).as("the BOM's version").isEqualTo(version);
        assertThat(bom).contains("<artifactId>parallelized-core</artifactId>",
                "<artifactId>parallelized-spring-boot-starter</artifactId>",
                "<artifactId>parallelized-hazelcast</artifactId>");
        assertThat(bom).as("an imported BOM must not bring the parent's Spring Boot BOM").doesNotContain("<parent>");
        assertThat(Files.readString(ROOT.resolve("CHANGELOG.md"))).contains(version);
    }

    @Test
    void theLicenceIsApache2AndThePomsSaySo() throws IOException {
        assertThat(Files.readString(ROOT.resolve("LICENSE")))
                .startsWith("                                 Apache License\n                           Version 2.0, January 2004");
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<name>Apache-2.0</name>", "<scm>",
                "<developers>", "<issueManagement>", "<url>");
    }

    /** The project's own version: the first {@code <version>} after the artifactId of the pom itself. */
    private static String firstVersion(String pom) {
        Matcher m = Pattern.compile("<artifactId>parallelized-(?:parent|bom)</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).as("a version in " + pom.substring(0, 80)).isTrue();
        return m.group(1);
    }
}
