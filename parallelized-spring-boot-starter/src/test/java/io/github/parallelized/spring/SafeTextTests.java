package io.github.parallelized.spring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTests {

    @Test
    void aDescCannotBreakALogLine() {
        assertThat(SafeText.forLog("job\n12:00:00 WARN forged")).isEqualTo("job\\n12:00:00 WARN forged");
        assertThat(SafeText.forLog("a\r\tb\u001b[31m\\")).isEqualTo("a\\r\\tb\\u001b[31m\\\\");
        assertThat(SafeText.forLog("x\u2028y\uD800z")).isEqualTo("x\\u2028y\\ud800z");
        assertThat(SafeText.forLog("Rendering \uD83D\uDE00 ok")).isEqualTo("Rendering \uD83D\uDE00 ok");
        assertThat(SafeText.forLog(null)).isEqualTo("null");
    }

    @Test
    void aTagIsWellFormedUnicode() {
        assertThat(SafeText.forTag("plain batch")).isEqualTo("plain batch");
        assertThat(SafeText.forTag("\uD800")).isEqualTo("\uFFFD");
        assertThat(SafeText.forTag("\uDC00x\u0000")).isEqualTo("\uFFFDx\uFFFD");
        assertThat(SafeText.forTag("\uD83D\uDE00")).isEqualTo("\uD83D\uDE00");
        assertThat(SafeText.forTag("")).isEqualTo("(empty)");
    }
}
