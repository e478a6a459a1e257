package org.myelin.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanonicalJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static String canonical(String json) throws Exception {
        return CanonicalJson.encodeToString(MAPPER.readTree(json));
    }

    /** Every example of the spec appendix "Canonical JSON", input and output verbatim. */
    @Nested
    class SpecExamples {
        @Test
        void emptyObject() throws Exception {
            assertEquals("{}", canonical("{}"));
        }

        @Test
        void whitespaceRemoved() throws Exception {
            assertEquals("{\"one\":1,\"two\":\"Two\"}", canonical("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}"));
        }

        @Test
        void keysSorted() throws Exception {
            assertEquals("{\"a\":\"1\",\"b\":\"2\"}", canonical("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}"));
            assertEquals("{\"a\":\"1\",\"b\":\"2\"}", canonical("{\"b\":\"2\",\"a\":\"1\"}"));
        }

        @Test
        void nestedObjectsAndArrays() throws Exception {
            String in = """
                    {
                        "auth": {
                            "success": true,
                            "mxid": "@john.doe:example.com",
                            "profile": {
                                "display_name": "John Doe",
                                "three_pids": [
                                    {
                                        "medium": "email",
                                        "address": "john.doe@example.org"
                                    },
                                    {
                                        "medium": "msisdn",
                                        "address": "123456789"
                                    }
                                ]
                            }
                        }
                    }""";
            assertEquals("{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\","
                    + "\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
                    + "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}", canonical(in));
        }

        @Test
        void nonAsciiWrittenRaw() throws Exception {
            assertEquals("{\"a\":\"日本語\"}", canonical("{\n    \"a\": \"日本語\"\n}"));
        }

        @Test
        void nonAsciiKeysSortedByCodePoint() throws Exception {
            assertEquals("{\"日\":1,\"本\":2}", canonical("{\n    \"本\": 2,\n    \"日\": 1\n}"));
        }

        @Test
        void unicodeEscapeDecoded() throws Exception {
            assertEquals("{\"a\":\"日\"}", canonical("{\n    \"a\": \"\\u65E5\"\n}"));
        }

        @Test
        void nullValue() throws Exception {
            assertEquals("{\"a\":null}", canonical("{\n    \"a\": null\n}"));
        }

        @Test
        void negativeZeroAndExponent() throws Exception {
            assertEquals("{\"a\":0,\"b\":10000000000}", canonical("{\n    \"a\": -0,\n    \"b\": 1e10\n}"));
        }
    }

    @Nested
    class KeyOrder {
        /** Expected output produced by Python's json.dumps(sort_keys=True, ensure_ascii=False). */
        @Test
        void astralCharactersSortAfterHighBmpCharacters() throws Exception {
            String in = "{\"\uD83D\uDE00\":1,\"\uFB01\":2,\"a\":3,\"é\":4,\"\uFFFF\":5,\"\uD800\uDC00\":6}";
            assertEquals("{\"a\":3,\"é\":4,\"\uFB01\":2,\"\uFFFF\":5,\"\uD800\uDC00\":6,\"\uD83D\uDE00\":1}", canonical(in));
        }

        @Test
        void codePointOrderDiffersFromUtf16OrderOnlyAcrossTheSurrogateGap() {
            String emoji = "\uD83D\uDE00"; // U+1F600
            String ligature = "\uFB01";      // U+FB01
            assertTrue(emoji.compareTo(ligature) < 0, "UTF-16 order puts the emoji first");
            assertTrue(CanonicalJson.CODE_POINT_ORDER.compare(ligature, emoji) < 0);
            assertTrue(CanonicalJson.CODE_POINT_ORDER.compare("\uD800\uDC00", "\uD83D\uDE00") < 0);
            assertTrue(CanonicalJson.CODE_POINT_ORDER.compare("ab", "abc") < 0);
            assertEquals(0, CanonicalJson.CODE_POINT_ORDER.compare("x\uD83D\uDE00", "x\uD83D\uDE00"));
        }

        @Test
        void agreesWithCodePointSortOnAMixedSet() {
            List<String> keys = new ArrayList<>(List.of("z", "\uD83D\uDE00", "\uE000", "\uFB01", "\uD7FF",
                    "\uD800\uDC00", "", "a\uFFFF", "a\uD83D\uDE00", "A", "\u00e9"));
            List<String> expected = new ArrayList<>(keys);
            expected.sort((x, y) -> {
                int[] a = x.codePoints().toArray();
                int[] b = y.codePoints().toArray();
                return java.util.Arrays.compare(a, b);
            });
            keys.sort(CanonicalJson.CODE_POINT_ORDER);
            assertEquals(expected, keys);
        }

        @Test
        void nestedObjectsSortedToo() throws Exception {
            assertEquals("{\"a\":{\"x\":1,\"y\":[{\"c\":1,\"d\":2}]},\"b\":[]}",
                    canonical("{\"b\":[],\"a\":{\"y\":[{\"d\":2,\"c\":1}],\"x\":1}}"));
        }
    }

    @Nested
    class Strings {
        /** Expected output produced by Python's json.dumps(ensure_ascii=False). */
        @Test
        void onlyMinimalEscapesWithLowerCaseHex() {
            ObjectNode o = F.objectNode().put("s", "\u001b\u0000\u001f\u007f\b\t\n\f\r\u000b\"\\/ \u2028");
            assertEquals("{\"s\":\"\\u001b\\u0000\\u001f\u007f\\b\\t\\n\\f\\r\\u000b\\\"\\\\/ \u2028\"}",
                    CanonicalJson.encodeToString(o));
        }

        @Test
        void emojiWrittenAsRawFourByteUtf8() {
            byte[] bytes = CanonicalJson.encode(F.textNode("\uD83D\uDE00"));
            assertArrayEquals(new byte[] {'"', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, '"'}, bytes);
        }

        @Test
        void everyCharacterClassEncodesAsUtf8() {
            String s = "a\u00e9\u0800\uFFFD\uD800\uDC00\uDBFF\uDFFF";
            assertArrayEquals(("\"" + s + "\"").getBytes(StandardCharsets.UTF_8), CanonicalJson.encode(F.textNode(s)));
        }

        @Test
        void escapedKeys() {
            ObjectNode o = F.objectNode().put("a\nb", 1);
            assertEquals("{\"a\\nb\":1}", CanonicalJson.encodeToString(o));
        }

        @Test
        void loneSurrogatesAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(F.textNode("x\uD800")));
            assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(F.textNode("\uDC00x")));
            assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(F.objectNode().put("\uD83D", 1)));
        }

        @Test
        void longStringsGrowTheBuffer() {
            String s = "\u001f".repeat(10_000) + "日".repeat(10_000);
            String out = CanonicalJson.encodeToString(F.textNode(s));
            assertEquals("\"" + "\\u001f".repeat(10_000) + "日".repeat(10_000) + "\"", out);
        }
    }

    @Nested
    class Numbers {
        @Test
        void integers() {
            ArrayNode a = F.arrayNode().add(0).add(-1).add(Long.MAX_VALUE).add(Long.MIN_VALUE)
                    .add(new BigInteger("123456789012345678901234567890"));
            assertEquals("[0,-1,9223372036854775807,-9223372036854775808,123456789012345678901234567890]",
                    CanonicalJson.encodeToString(a));
        }

        @Test
        void integralFloatsBecomeIntegers() {
            ArrayNode a = F.arrayNode().add(-0.0).add(1.0).add(-3.0).add(1e10).add(1e20)
                    .add(new BigDecimal("5.000")).add(new BigDecimal("-0.0")).add(new BigDecimal("1E+3"));
            assertEquals("[0,1,-3,10000000000,100000000000000000000,5,0,1000]", CanonicalJson.encodeToString(a));
        }

        /** Non-integral floats (legal in room versions 1-5) follow Python's repr, as Synapse hashes them. */
        @ParameterizedTest
        @CsvSource({
                "50.57, 50.57", "0.1, 0.1", "-0.5, -0.5", "123456.789, 123456.789", "0.0001, 0.0001",
                "0.00001, 1e-05", "1.5e-7, 1.5e-07", "-2.5e-10, -2.5e-10", "1e-100, 1e-100", "4.9e-324, 5e-324",
                "2.2250738585072014e-308, 2.2250738585072014e-308"})
        void nonIntegralFloatsAsPythonRepr(double value, String expected) {
            assertEquals(expected, CanonicalJson.encodeToString(DoubleNode.valueOf(value)));
        }

        @Test
        void nonIntegralDecimal() {
            assertEquals("50.57", CanonicalJson.encodeToString(DecimalNode.valueOf(new BigDecimal("50.570"))));
        }

        @Test
        void nanAndInfinityRejected() {
            assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(DoubleNode.valueOf(Double.NaN)));
            assertThrows(IllegalArgumentException.class,
                    () -> CanonicalJson.encode(DoubleNode.valueOf(Double.NEGATIVE_INFINITY)));
        }
    }

    @Test
    void literalsAndEmptyContainers() throws Exception {
        assertEquals("[true,false,null,[],{}]", canonical("[ true , false , null , [ ] , { } ]"));
    }

    @Test
    void nonJsonNodesRejected() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(BinaryNode.valueOf(new byte[] {1})));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(F.pojoNode(new Object())));
    }

    @Test
    void encodeWithoutOmitsTopLevelKeysOnly() throws Exception {
        ObjectNode o = (ObjectNode) MAPPER.readTree(
                "{\"signatures\":{\"x\":1},\"unsigned\":{},\"a\":{\"signatures\":2},\"b\":3}");
        assertEquals("{\"a\":{\"signatures\":2},\"b\":3}",
                new String(CanonicalJson.encodeWithout(o, "signatures", "unsigned"), StandardCharsets.UTF_8));
        assertEquals("{}", new String(CanonicalJson.encodeWithout(F.objectNode().put("a", 1), "a"), StandardCharsets.UTF_8));
        assertEquals(4, o.size(), "the input is not modified");
    }

    @Test
    void outputReparsesToTheSameTree() throws Exception {
        String json = "{\"k\":[1,-2,{\"z\":\"\\u0001\\\"\",\"é\":null}],\"\uD83D\uDE00\":true,\"big\":12345678901234567890}";
        JsonNode tree = MAPPER.readTree(json);
        JsonNode again = MAPPER.readTree(CanonicalJson.encode(tree));
        assertEquals(tree, again);
        assertEquals(CanonicalJson.encodeToString(tree), CanonicalJson.encodeToString(again));
    }

    @Test
    void longsFromLongNodes() {
        assertEquals("{\"ts\":1700000000000}", CanonicalJson.encodeToString(F.objectNode().set("ts", LongNode.valueOf(1700000000000L))));
    }
}
