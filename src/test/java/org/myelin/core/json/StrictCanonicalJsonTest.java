package org.myelin.core.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictCanonicalJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Optional<String> violation(String json) throws Exception {
        return StrictCanonicalJson.violation(MAPPER.readTree(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "{\"a\":[1,-1,0,\"1.5\",true,null]}", "{\"max\":9007199254740991,\"min\":-9007199254740991}", "-0", "[]"})
    void acceptsIntegersInRange(String json) throws Exception {
        assertEquals(Optional.empty(), violation(json));
    }

    @Test
    void rejectsFloatsNamingThePath() throws Exception {
        assertEquals(Optional.of("float 50.57 at content.users.@bob:localhost is not allowed: canonical JSON numbers must be integers"),
                violation("{\"content\":{\"users\":{\"@alice:localhost\":50,\"@bob:localhost\":50.57}}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1e10", "-0.0", "1E2"})
    void rejectsIntegralFloatsToo(String number) throws Exception {
        Optional<String> v = violation("{\"n\":" + number + "}");
        assertTrue(v.isPresent() && v.get().startsWith("float ") && v.get().contains(" at n "), v.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9007199254740992", "-9007199254740992", "9223372036854775807", "123456789012345678901234567890"})
    void rejectsIntegersOutOfRange(String number) throws Exception {
        assertEquals(Optional.of("integer " + number + " at a[1].b is outside the allowed range [-(2^53)+1, (2^53)-1]"),
                violation("{\"a\":[0,{\"b\":" + number + "}]}"));
    }

    @Test
    void topLevelValue() throws Exception {
        assertEquals(Optional.of("float 0.5 at the top level is not allowed: canonical JSON numbers must be integers"),
                violation("0.5"));
    }
}
