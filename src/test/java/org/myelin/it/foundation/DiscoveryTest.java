package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;

/** GET /versions, /.well-known/matrix/client and /capabilities. */
class DiscoveryTest {
    private static final Client c = Fx.shared();
    private static Myelin withBaseUrl;

    @BeforeAll
    static void start() {
        withBaseUrl = TestServer.start(cfg -> cfg.put("public_baseurl", "https://matrix.example.org"));
    }

    @AfterAll
    static void stop() throws Exception { Fx.close(withBaseUrl); }

    @Test
    void versionsListsSpecVersionsWithoutAuth() {
        Resp r = assertOk(c.get("/_matrix/client/versions"));
        JsonNode versions = r.body().path("versions");
        assertTrue(versions.isArray() && !versions.isEmpty(), r::toString);
        List<String> vs = new ArrayList<>();
        versions.forEach(v -> vs.add(v.asText()));
        assertTrue(vs.contains("v1.1"), r::toString);
        for (String v : vs) assertTrue(v.matches("r0\\.\\d+\\.\\d+|v1\\.\\d+"), () -> "not a spec version: " + v);
        assertTrue(r.body().path("unstable_features").isObject(), r::toString);
        assertEquals("application/json", Fx.header(r, "Content-Type"));
    }

    @Test
    void versionsIgnoresAnInvalidToken() {
        // A public endpoint must not fail because a client sends a stale token.
        assertOk(c.as("not-a-token").get("/_matrix/client/versions"));
    }

    @Test
    void wellKnownPointsAtTheConfiguredBaseUrl() {
        Resp r = assertOk(Fx.client(withBaseUrl).get("/.well-known/matrix/client"));
        assertEquals("https://matrix.example.org/", r.body().path("m.homeserver").path("base_url").asText(), r::toString);
    }

    @Test
    void wellKnownDefaultsToAnHttpUrl() {
        Resp r = assertOk(c.get("/.well-known/matrix/client"));
        String base = r.body().path("m.homeserver").path("base_url").asText();
        assertTrue(base.startsWith("http://") && base.endsWith("/"), r::toString);
    }

    @Test
    void loginResponseCarriesWellKnown() {
        Client bc = Fx.client(withBaseUrl);
        User u = bc.register("wk");
        Resp r = assertOk(Fx.login(bc, u.userId(), u.password()));
        assertEquals("https://matrix.example.org/", r.body().path("well_known").path("m.homeserver").path("base_url").asText());
    }

    @Test
    void capabilitiesRequireAuth() {
        assertError(c.get(V3 + "/capabilities"), 401, "M_MISSING_TOKEN");
    }

    @Test
    void capabilitiesDescribeTheServer() {
        User u = c.register("caps");
        for (String prefix : new String[] {V3, "/_matrix/client/r0"}) {
            Resp r = assertOk(c.as(u).get(prefix + "/capabilities"));
            JsonNode caps = r.body().path("capabilities");
            assertTrue(caps.path("m.change_password").path("enabled").asBoolean(), r::toString);
            assertTrue(caps.path("m.set_displayname").path("enabled").asBoolean(), r::toString);
            assertTrue(caps.path("m.set_avatar_url").path("enabled").asBoolean(), r::toString);
            assertFalse(caps.path("m.3pid_changes").path("enabled").asBoolean(true), r::toString);
            assertTrue(caps.path("m.get_login_token").path("enabled").isBoolean(), r::toString);
            JsonNode rv = caps.path("m.room_versions");
            String dflt = rv.path("default").asText();
            assertFalse(dflt.isEmpty(), r::toString);
            assertEquals("stable", rv.path("available").path(dflt).asText(), r::toString);
            rv.path("available").properties().forEach(e ->
                    assertTrue(e.getValue().asText().equals("stable") || e.getValue().asText().equals("unstable"), r::toString));
        }
    }

    @Test
    void capabilitiesAllowGuests() {
        Resp g = assertOk(c.post(V3 + "/register?kind=guest", Fx.map()));
        assertOk(c.as(g.str("access_token")).get(V3 + "/capabilities"));
    }
}
