package org.myelin.core.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonSigningTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SigningKey SPEC_KEY = SigningKeyTest.specKey();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }

    /** Spec appendix "JSON Signing", first vector. */
    @Test
    void specVectorEmptyObject() throws Exception {
        ObjectNode signed = JsonSigning.signJson(json("{}"), "domain", SPEC_KEY);
        assertEquals(json("""
                {"signatures": {"domain": {
                  "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"}}}
                """), signed);
        assertTrue(JsonSigning.verifyJson(signed, "domain", SPEC_KEY.verifyKey()));
    }

    /** Spec appendix "JSON Signing", second vector. */
    @Test
    void specVectorWithData() throws Exception {
        ObjectNode signed = JsonSigning.signJson(json("{\"one\": 1, \"two\": \"Two\"}"), "domain", SPEC_KEY);
        assertEquals(json("""
                {"one": 1,
                 "signatures": {"domain": {
                   "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"}},
                 "two": "Two"}
                """), signed);
        assertTrue(JsonSigning.verifyJson(signed, "domain", SPEC_KEY.verifyKey()));
    }

    @Test
    void signsInPlaceAndKeepsUnsignedAndOtherSignatures() throws Exception {
        ObjectNode o = json("{\"a\":1,\"unsigned\":{\"age_ts\":5},\"signatures\":{\"other.org\":{\"ed25519:x\":\"abc\"}}}");
        assertSame(o, JsonSigning.signJson(o, "domain", SPEC_KEY));
        assertEquals("abc", o.at("/signatures/other.org/ed25519:x").asText());
        assertEquals(5, o.at("/unsigned/age_ts").asInt());
        // Neither unsigned nor other signatures are covered: the signature is that of {"a":1}.
        assertEquals(JsonSigning.signJson(json("{\"a\":1}"), "domain", SPEC_KEY).at("/signatures/domain/ed25519:1"),
                o.at("/signatures/domain/ed25519:1"));
    }

    @Test
    void secondKeyOfTheSameServerAddsAlongside() throws Exception {
        SigningKey other = SigningKey.generate();
        ObjectNode o = JsonSigning.signJson(JsonSigning.signJson(json("{\"a\":1}"), "domain", SPEC_KEY), "domain", other);
        assertEquals(2, o.at("/signatures/domain").size());
        assertTrue(JsonSigning.verifyJson(o, "domain", SPEC_KEY.verifyKey()));
        assertTrue(JsonSigning.verifyJson(o, "domain", other.verifyKey()));
    }

    @Test
    void replacesMalformedSignaturesMember() throws Exception {
        ObjectNode o = JsonSigning.signJson(json("{\"a\":1,\"signatures\":\"junk\"}"), "domain", SPEC_KEY);
        assertTrue(JsonSigning.verifyJson(o, "domain", SPEC_KEY.verifyKey()));
    }

    @Test
    void verificationSurvivesUnsignedChangesButNotContentChanges() throws Exception {
        ObjectNode o = JsonSigning.signJson(json("{\"a\":1}"), "domain", SPEC_KEY);
        o.putObject("unsigned").put("age", 99);
        assertTrue(JsonSigning.verifyJson(o, "domain", SPEC_KEY.verifyKey()));
        o.put("a", 2);
        assertFalse(JsonSigning.verifyJson(o, "domain", SPEC_KEY.verifyKey()));
    }

    @Test
    void missingOrMalformedSignaturesFail() throws Exception {
        VerifyKey key = SPEC_KEY.verifyKey();
        ObjectNode signed = JsonSigning.signJson(json("{\"a\":1}"), "domain", SPEC_KEY);
        assertFalse(JsonSigning.verifyJson(signed, "elsewhere", key), "no signature from that server");
        assertFalse(JsonSigning.verifyJson(signed, "domain", VerifyKey.of("ed25519:2", key.publicKey())), "no such key ID");
        assertFalse(JsonSigning.verifyJson(json("{\"a\":1}"), "domain", key));
        assertFalse(JsonSigning.verifyJson(json("{\"a\":1,\"signatures\":{\"domain\":{\"ed25519:1\":\"%%%\"}}}"), "domain", key));
        assertFalse(JsonSigning.verifyJson(json("{\"a\":1,\"signatures\":{\"domain\":{\"ed25519:1\":7}}}"), "domain", key));
    }

    @Test
    void oneKeyIsSafeToShareAcrossThreads() throws Exception {
        SigningKey key = SigningKey.generate();
        String expected = JsonSigning.signJson(json("{\"n\":0}"), "s", key).at("/signatures/s").toString();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        ObjectNode o = JsonSigning.signJson(json("{\"n\":" + (i % 2) + "}"), "s", key);
                        if (!JsonSigning.verifyJson(o, "s", key.verifyKey())) return false;
                        if (i % 2 == 0 && !o.at("/signatures/s").toString().equals(expected)) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) assertTrue(r.get());
        }
    }
}
