package org.myelin.voip;

import org.junit.jupiter.api.Test;
import org.myelin.config.Config;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TurnCredentialsTest {
    private static final List<String> URIS = List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349");

    @Test
    void sharedSecretFollowsCoturnRestApi() {
        var turn = new TurnCredentials(new Config.Voip(URIS, "coturn-secret", null, null, 86_400_000, true));
        Map<String, Object> r = turn.forUser("@alice:example.org", 1_700_000_000_000L);
        assertEquals("1700086400:@alice:example.org", r.get("username"));
        // base64(HMAC-SHA1("coturn-secret", username)), computed independently.
        assertEquals("uMxs8wlnr2iVqOJREQe0tfWqLII=", r.get("password"));
        assertEquals(URIS, r.get("uris"));
        assertEquals(86_400L, r.get("ttl"));
    }

    @Test
    void staticCredentials() {
        var turn = new TurnCredentials(new Config.Voip(URIS, null, "user", "pass", 3_600_000, true));
        Map<String, Object> r = turn.forUser("@alice:example.org", 0);
        assertEquals("user", r.get("username"));
        assertEquals("pass", r.get("password"));
        assertEquals(3_600L, r.get("ttl"));
    }

    @Test
    void unconfiguredIsEmpty() {
        assertTrue(new TurnCredentials(new Config.Voip(List.of(), null, null, null, 1000, true)).forUser("@a:b", 0).isEmpty());
        var noCreds = new TurnCredentials(new Config.Voip(URIS, null, null, null, 1000, true));
        assertFalse(noCreds.configured());
        assertTrue(noCreds.forUser("@a:b", 0).isEmpty());
        assertTrue(new TurnCredentials(new Config.Voip(List.of(), "s", null, null, 1000, true)).forUser("@a:b", 0).isEmpty());
    }
}
