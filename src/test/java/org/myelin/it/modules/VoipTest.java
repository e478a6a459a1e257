package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;
import org.myelin.it.TestServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/** GET /voip/turnServer unconfigured, with a coturn shared secret, and with static credentials. */
class VoipTest {
    private static final String TURN = V3 + "/voip/turnServer";
    private static final String SECRET = "n0t-so-secret";
    private static Myelin withSecret;
    private static Myelin withStatic;

    @BeforeAll
    static void start() {
        withSecret = TestServer.start(cfg -> {
            ObjectNode v = cfg.putObject("voip");
            v.putArray("turn_uris").add("turn:turn.example.org:3478?transport=udp").add("turns:turn.example.org:5349?transport=tcp");
            v.put("turn_shared_secret", SECRET);
            v.put("turn_user_lifetime_ms", 3_600_000);
            v.put("turn_allow_guests", false);
        });
        withStatic = TestServer.start(cfg -> {
            ObjectNode v = cfg.putObject("voip");
            v.putArray("turn_uris").add("turn:10.0.0.1:3478");
            v.put("turn_username", "turnuser");
            v.put("turn_password", "turnpass");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        withSecret.close();
        withStatic.close();
    }

    @Test
    void unconfiguredAnswersAnEmptyObject() {
        U u = user(TestServer.shared(), "voip-none");
        JsonNode r = ok(u.get(TURN));
        assertTrue(r.isObject() && r.isEmpty(), r::toString);
        err(anon(TestServer.shared()).get(TURN), 401, "M_MISSING_TOKEN");
    }

    @Test
    void sharedSecretCredentials() throws Exception {
        U u = user(withSecret, "voip-secret");
        long before = System.currentTimeMillis() / 1000;
        JsonNode r = ok(u.get(TURN));
        long after = System.currentTimeMillis() / 1000;
        String username = r.path("username").asText();
        int colon = username.indexOf(':');
        long expiry = Long.parseLong(username.substring(0, colon));
        assertEquals(u.id(), username.substring(colon + 1));
        assertTrue(expiry >= before + 3600 && expiry <= after + 3600, username);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, r.path("password").asText());
        assertEquals(3600, r.path("ttl").asLong());
        assertEquals(2, r.path("uris").size());
        assertEquals("turn:turn.example.org:3478?transport=udp", r.path("uris").get(0).asText());
        assertEquals(u.id(), ok(u.get("/_matrix/client/r0/voip/turnServer")).path("username").asText().substring(colon + 1));
        // turn_allow_guests: false
        err(guest(withSecret).get(TURN), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }

    @Test
    void staticCredentials() {
        U u = user(withStatic, "voip-static");
        JsonNode r = ok(u.get(TURN));
        assertEquals("turnuser", r.path("username").asText());
        assertEquals("turnpass", r.path("password").asText());
        assertEquals(86_400, r.path("ttl").asLong());
        assertEquals("turn:10.0.0.1:3478", r.path("uris").get(0).asText());
        // Guests are allowed by default.
        assertEquals("turnuser", ok(guest(withStatic).get(TURN)).path("username").asText());
    }

    private static void badConfig(Consumer<ObjectNode> voip, String expected) {
        ObjectNode cfg = Json.object();
        voip.accept(cfg.putObject("voip"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(cfg));
        assertTrue(e.getMessage().contains(expected), e::getMessage);
    }

    @Test
    void configIsValidated() {
        badConfig(v -> v.put("turn_uris", "turn:x"), "voip.turn_uris");
        badConfig(v -> v.putArray("turn_uris").add("http://x"), "voip.turn_uris");
        badConfig(v -> v.putArray("turn_uris").add(5), "voip.turn_uris");
        badConfig(v -> v.put("turn_shared_secret", "s").put("turn_username", "u").put("turn_password", "p"), "not both");
        badConfig(v -> v.put("turn_username", "u"), "go together");
        badConfig(v -> v.put("turn_shared_secret", ""), "must not be empty");
        badConfig(v -> v.put("turn_user_lifetime_ms", 5), "voip.turn_user_lifetime_ms");
        badConfig(v -> v.put("turn_allow_guests", "yes"), "voip.turn_allow_guests");
        badConfig(v -> v.put("turn_url", "turn:x"), "unknown config key 'voip.turn_url'");
    }
}
