package org.myelin.core.acl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.http.Json;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerAclTest {
    private static JsonNode json(String s) { return Json.parse(s.getBytes(StandardCharsets.UTF_8)); }

    private static ServerAcl acl(String content) { return ServerAcl.fromContent(json(content)); }

    @Test
    void noAclAllowsEveryone() {
        assertTrue(ServerAcl.NONE.allows("evil.example"));
        assertTrue(ServerAcl.fromContent(null).allows("1.2.3.4"));
        assertTrue(ServerAcl.NONE.allows("[::1]:8448"));
    }

    @Test
    void specExample() {
        ServerAcl a = acl("{\"allow\": [\"*\"], \"deny\": [\"*.evil.com\", \"evil.com\"], \"allow_ip_literals\": false}");
        assertTrue(a.allows("matrix.org"));
        assertTrue(a.allows("good.example:8448"));
        assertFalse(a.allows("evil.com"));
        assertFalse(a.allows("evil.com:8448"));
        assertFalse(a.allows("evil.com:1234"));
        assertFalse(a.allows("sub.evil.com"));
        assertFalse(a.allows("EVIL.COM"), "globs are case-insensitive");
        assertFalse(a.allows("Sub.Evil.Com:443"));
        assertTrue(a.allows("notevil.com"));
        assertFalse(a.allows("1.2.3.4"));
        assertFalse(a.allows("1.2.3.4:8448"));
        assertFalse(a.allows("[2001:db8::1]"));
        assertFalse(a.allows("[2001:db8::1]:8448"));
        assertFalse(a.allows("[::1]"));
    }

    @Test
    void emptyOrMissingAllowDeniesEveryone() {
        assertFalse(acl("{}").allows("example.org"));
        assertFalse(acl("{\"allow\": []}").allows("example.org"));
        assertFalse(acl("{\"deny\": [\"evil.example\"]}").allows("good.example"));
    }

    @Test
    void denyWinsOverAllow() {
        ServerAcl a = acl("{\"allow\": [\"evil.example\", \"*\"], \"deny\": [\"evil.example\"]}");
        assertFalse(a.allows("evil.example"));
        assertTrue(a.allows("good.example"));
    }

    @Test
    void allowListOnly() {
        ServerAcl a = acl("{\"allow\": [\"*.trusted.org\", \"partner.example\"]}");
        assertTrue(a.allows("a.trusted.org"));
        assertTrue(a.allows("partner.example:8448"));
        assertFalse(a.allows("trusted.org"));
        assertFalse(a.allows("other.example"));
        assertTrue(acl("{\"allow\": [\"matrix.?rg\"]}").allows("matrix.org"));
        assertFalse(acl("{\"allow\": [\"matrix.?rg\"]}").allows("matrix.oorg"));
    }

    @Test
    void ipLiteralsAllowedByDefaultAndWhenNotABoolean() {
        assertTrue(acl("{\"allow\": [\"*\"]}").allows("1.2.3.4"));
        assertTrue(acl("{\"allow\": [\"*\"], \"allow_ip_literals\": true}").allows("[::1]:8448"));
        assertTrue(acl("{\"allow\": [\"*\"], \"allow_ip_literals\": \"no\"}").allows("1.2.3.4"), "non-boolean counts as true");
        assertTrue(acl("{\"allow\": [\"*\"], \"allow_ip_literals\": 0}").allows("1.2.3.4"));
        // Deny globs apply to IP literals too, even when IP literals are allowed.
        assertFalse(acl("{\"allow\": [\"*\"], \"deny\": [\"1.2.3.*\"]}").allows("1.2.3.4:8448"));
        assertFalse(acl("{\"allow\": [\"*\"], \"deny\": [\"[2001:db8::*]\"]}").allows("[2001:db8::5]:8448"));
    }

    @Test
    void ipLiteralsDeniedEvenWhenAllowedByName() {
        ServerAcl a = acl("{\"allow\": [\"1.2.3.4\", \"[::1]\"], \"allow_ip_literals\": false}");
        assertFalse(a.allows("1.2.3.4"));
        assertFalse(a.allows("[::1]"));
    }

    @Test
    void malformedContentIsReadLeniently() {
        ServerAcl a = acl("{\"allow\": \"*\", \"deny\": 5}");
        assertFalse(a.allows("example.org"), "a non-array allow is empty");
        ServerAcl b = acl("{\"allow\": [\"*\", 5, null], \"deny\": [{\"x\": 1}, \"evil.example\"]}");
        assertTrue(b.allows("example.org"));
        assertFalse(b.allows("evil.example"));
        assertFalse(acl("{\"allow\": [5]}").allows("5"));
    }

    @Test
    void emptyServerNameIsDenied() {
        assertFalse(acl("{\"allow\": [\"*\"]}").allows(""));
        assertFalse(acl("{\"allow\": [\"*\"]}").allows(null));
    }

    @ParameterizedTest(name = "host of {0} = {1}")
    @CsvSource({
            "example.org, example.org",
            "example.org:8448, example.org",
            "1.2.3.4:80, 1.2.3.4",
            "[2001:db8::1], [2001:db8::1]",
            "[2001:db8::1]:8448, [2001:db8::1]",
            "2001:db8::1, 2001:db8::1",
            "localhost, localhost",
    })
    void hostOf(String serverName, String host) {
        assertEquals(host, ServerAcl.hostOf(serverName));
    }

    @ParameterizedTest(name = "{0} is an IP literal: {1}")
    @CsvSource({
            "1.2.3.4, true",
            "255.255.255.255, true",
            "0.0.0.0, true",
            "999.1.1.1, true",
            "1.2.3, false",
            "1.2.3.4.5, false",
            "1.2.3.a, false",
            "1234.1.1.1, false",
            "1.2.3.4.example.org, false",
            "example.org, false",
            "[::1], true",
            "[2001:db8::1], true",
            "[anything], true",
            "::1, true",
            "2001:db8:0:0:0:0:0:1, true",
            "::ffff:1.2.3.4, true",
            "2001:db8::, true",
            "::, true",
            "fe80::1%eth0, true",
            "2001:db8:::1, false",
            "1::2::3, false",
            "12345::1, false",
            "g::1, false",
            "1:2:3:4:5:6:7, false",
            "1:2:3:4:5:6:7:8:9, false",
            ":1:2:3:4:5:6:7, false",
    })
    void ipLiterals(String host, boolean literal) {
        assertEquals(literal, ServerAcl.isIpLiteral(host), host);
    }

    @Test
    void validation() {
        assertTrue(ServerAcl.validate(json("{}")).isEmpty());
        assertTrue(ServerAcl.validate(json("{\"allow\": [\"*\"], \"deny\": [], \"allow_ip_literals\": false}")).isEmpty());
        assertTrue(ServerAcl.validate(json("{\"allow\": \"*\"}")).isPresent());
        assertTrue(ServerAcl.validate(json("{\"allow\": null}")).isPresent());
        assertTrue(ServerAcl.validate(json("{\"deny\": [1]}")).isPresent());
        assertTrue(ServerAcl.validate(json("{\"deny\": {\"a\": \"b\"}}")).isPresent());
        assertTrue(ServerAcl.validate(json("{\"allow_ip_literals\": \"false\"}")).isPresent());
        assertTrue(ServerAcl.validate(json("[]")).isPresent());
    }
}
