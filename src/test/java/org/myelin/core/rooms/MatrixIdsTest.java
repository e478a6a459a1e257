package org.myelin.core.rooms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"@alice:example.org", "@a:1.2.3.4:8448", "@a:[::1]", "@a:[1234:5678::abcd]:443",
            "@Historical.USER!:example.org", "@:example.org", "@a:localhost"})
    void validUserIds(String id) {
        assertTrue(MatrixIds.isValidUserId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:example.org", "@alice", "@alice:", "@alice:exa_mple.org", "@alice:example.org:123456",
            "@al\0ice:example.org", "@a:[zz]", "!room:example.org"})
    void invalidUserIds(String id) {
        assertFalse(MatrixIds.isValidUserId(id));
    }

    @Test
    void userIdsAreLimitedTo255Bytes() {
        String server = ":example.org";
        assertTrue(MatrixIds.isValidUserId("@" + "a".repeat(255 - 1 - server.length()) + server));
        assertFalse(MatrixIds.isValidUserId("@" + "a".repeat(256 - 1 - server.length()) + server));
    }

    @Test
    void domainIsEverythingAfterTheFirstColon() {
        assertEquals("example.org:8448", MatrixIds.domain("@alice:example.org:8448"));
        assertEquals("b.example", MatrixIds.domain("$event:b.example"));
        assertNull(MatrixIds.domain("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"));
        assertNull(MatrixIds.domain(null));
    }
}
