package org.myelin.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The JSON mapper for client-facing input and output. Parsing is bounded (nesting depth, string
 * and number length) so that a hostile body cannot exhaust memory or stack; duplicate keys are
 * rejected because they make signatures ambiguous.
 */
public final class Json {
    public static final int MAX_NESTING = 64;

    public static final ObjectMapper MAPPER = create();

    private Json() {}

    private static ObjectMapper create() {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(1 << 20)
                        .maxNumberLength(64)
                        .maxNameLength(1 << 16)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                // Jackson's default buffer recycling is per thread; with one virtual thread per request
                // nothing would be reused, so buffers come from a shared pool instead.
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .build();
        ObjectMapper m = new ObjectMapper(f);
        m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        m.configure(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS, false);
        return m;
    }

    public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    /**
     * Builds the mapper and its tree reader and writer now. They take about 170 ms to set up; start-up
     * runs this on another core while storage opens, instead of in the first request.
     */
    public static void warmUp() {
        write(parse("{\"warm\":[1,2.5,true,null,\"up\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Parses a request body; anything that is not a single well-formed JSON value is M_NOT_JSON. */
    public static JsonNode parse(byte[] body) {
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null) throw MatrixException.notJson("Request body is empty");
            if (p.nextToken() != null) throw MatrixException.notJson("Trailing data after JSON value");
            return n;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw MatrixException.notJson("JSON exceeds limits: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw MatrixException.notJson("Content not JSON");
        }
    }

    public static byte[] write(Object o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }

    public static String writeString(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise", e);
        }
    }
}
