package org.myelin.core.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UnpaddedBase64Test {
    /** The examples of the spec appendix "Unpadded Base64". */
    @ParameterizedTest
    @CsvSource({"'', ''", "f, Zg", "fo, Zm8", "foo, Zm9v", "foob, Zm9vYg", "fooba, Zm9vYmE", "foobar, Zm9vYmFy"})
    void specExamples(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertEquals(encoded, UnpaddedBase64.encode(bytes));
        assertArrayEquals(bytes, UnpaddedBase64.decode(encoded));
    }

    @Test
    void decodingAcceptsPadding() {
        assertArrayEquals("f".getBytes(StandardCharsets.US_ASCII), UnpaddedBase64.decode("Zg=="));
        assertArrayEquals("fo".getBytes(StandardCharsets.US_ASCII), UnpaddedBase64.decodeUrlSafe("Zm8="));
    }

    @Test
    void alphabetsDifferOnlyInTheLastTwoCharacters() {
        byte[] data = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};
        assertEquals("+/+/", UnpaddedBase64.encode(data));
        assertEquals("-_-_", UnpaddedBase64.encodeUrlSafe(data));
        assertArrayEquals(data, UnpaddedBase64.decodeUrlSafe("-_-_"));
        assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decode("-_-_"));
        assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decodeUrlSafe("+/+/"));
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decode("a b"));
        assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decode("Z"));
    }
}
