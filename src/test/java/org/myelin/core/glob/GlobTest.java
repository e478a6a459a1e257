package org.myelin.core.glob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "*|''|true",
            "*|anything|true",
            "?|''|false",
            "?|a|true",
            "?|ab|false",
            "''|''|true",
            "''|a|false",
            "abc|abc|true",
            "abc|abcd|false",
            "abc|ab|false",
            "a*c|ac|true",
            "a*c|abc|true",
            "a*c|abbbbc|true",
            "a*c|abcd|false",
            "a?c|abc|true",
            "a?c|ac|false",
            "*.example.org|matrix.example.org|true",
            "*.example.org|example.org|false",
            "*.example.org|a.b.example.org|true",
            "*example.org|example.org|true",
            "@*:example.org|@spam:example.org|true",
            "@*:example.org|@spam:example.org.evil|false",
            "@spam?:*|@spam1:x|true",
            "@spam?:*|@spam:x|false",
            "**a**|a|true",
            "*a*b*|xaxxbx|true",
            "*a*b*|xbxxax|false",
            "a*b*c|abbc|true",
            "a*b*c|acb|false",
            "*?|''|false",
            "*?|x|true",
            "?*?|xy|true",
            "?*?|x|false",
            "a.c|abc|false",
            "[a]|a|false",
            "[a]|[a]|true",
            "a+|a+|true",
            "a+|aa|false",
            "\\d|\\d|true",
            "(x|(x|true",
    })
    void matches(String pattern, String text, boolean expected) {
        if (expected) assertTrue(Glob.of(pattern).matches(text), pattern + " ~ " + text);
        else assertFalse(Glob.of(pattern).matches(text), pattern + " ~ " + text);
    }

    @Test
    void questionMarkMatchesOneCodePoint() {
        assertTrue(Glob.of("a?b").matches("a\uD83D\uDE00b"), "an emoji is one character");
        assertFalse(Glob.of("a??b").matches("a\uD83D\uDE00b"));
        assertTrue(Glob.of("*\uD83D\uDE00").matches("x\uD83D\uDE00"));
    }

    @Test
    void caseSensitivity() {
        assertFalse(Glob.of("EVIL.example").matches("evil.example"));
        assertTrue(Glob.ignoringCase("EVIL.example").matches("evil.EXAMPLE"));
        assertTrue(Glob.ignoringCase("*.EVIL.*").matches("a.evil.org"));
        assertTrue(Glob.ignoringCase("straße").matches("STRAßE"));
    }

    @Test
    void literalDetection() {
        assertTrue(Glob.of("example.org").isLiteral());
        assertFalse(Glob.of("*.org").isLiteral());
        assertFalse(Glob.of("exampl?.org").isLiteral());
    }

    @Test
    void nullNeverMatches() {
        assertFalse(Glob.of("*").matches(null));
    }

    @Test
    void hostilePatternsStayFast() {
        String pattern = "*a".repeat(50) + "b";
        String text = "a".repeat(5000);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> assertFalse(Glob.of(pattern).matches(text)));
        String stars = "*".repeat(10_000) + "x";
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> assertTrue(Glob.of(stars).matches("y".repeat(10_000) + "x")));
    }
}
