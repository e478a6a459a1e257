package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.TestServer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/** POST /user/{userId}/openid/request_token and GET /_matrix/federation/v1/openid/userinfo. */
class OpenIdTest {
    private static final String USERINFO = "/_matrix/federation/v1/openid/userinfo";

    private static Myelin server() { return TestServer.shared(); }

    private static String requestPath(String userId) { return V3 + "/user/" + enc(userId) + "/openid/request_token"; }

    private static JsonNode request(U u) { return ok(u.post(requestPath(u.id()), map())); }

    private static Client federation() { return anon(server()); }

    @Test
    void tokenIsExchangedForTheUserId() {
        U alice = user(server(), "openid");
        JsonNode t = request(alice);
        assertTrue(t.path("access_token").asText().length() >= 32, t::toString);
        assertEquals("Bearer", t.path("token_type").asText());
        assertEquals(TestServer.SERVER_NAME, t.path("matrix_server_name").asText());
        assertEquals(3600, t.path("expires_in").asLong());
        JsonNode info = ok(federation().get(USERINFO + "?access_token=" + enc(t.path("access_token").asText())));
        assertEquals(alice.id(), info.path("sub").asText());
        // Each request gives a new token; older ones keep working until they expire.
        JsonNode t2 = request(alice);
        assertNotEquals(t.path("access_token").asText(), t2.path("access_token").asText());
        assertEquals(alice.id(), ok(federation().get(USERINFO + "?access_token=" + enc(t.path("access_token").asText())))
                .path("sub").asText());
        // The body may be omitted (an empty object is reserved for future expansion) and r0 works.
        ok(alice.raw("POST", "/_matrix/client/r0/user/" + enc(alice.id()) + "/openid/request_token", null));
    }

    @Test
    void onlyForYourself() {
        U alice = user(server(), "openid-a");
        U bob = user(server(), "openid-b");
        err(alice.post(requestPath(bob.id()), map()), 403, "M_FORBIDDEN");
        err(anon(server()).post(requestPath(alice.id()), map()), 401, "M_MISSING_TOKEN");
    }

    @Test
    void badBodies() {
        U alice = user(server(), "openid-body");
        err(alice.raw("POST", requestPath(alice.id()), "[]".getBytes(StandardCharsets.UTF_8)), 400, "M_BAD_JSON");
        err(alice.raw("POST", requestPath(alice.id()), "{not json".getBytes(StandardCharsets.UTF_8)), 400, "M_NOT_JSON");
    }

    @Test
    void unknownMissingAndWrongKindsOfToken() {
        U alice = user(server(), "openid-tokens");
        err(federation().get(USERINFO + "?access_token=nonsense"), 401, "M_UNKNOWN_TOKEN");
        err(federation().get(USERINFO), 400, "M_MISSING_PARAM");
        // An access token is not an OpenID token, and an OpenID token is not an access token.
        err(federation().get(USERINFO + "?access_token=" + enc(alice.token())), 401, "M_UNKNOWN_TOKEN");
        String openid = request(alice).path("access_token").asText();
        err(anon(server()).as(openid).get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        err(anon(server()).as(openid).post(requestPath(alice.id()), map()), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void expiredTokensStopWorking() throws Exception {
        U alice = user(server(), "openid-expiry");
        String token = request(alice).path("access_token").asText();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, sql(server(), "UPDATE openid_tokens SET expires_ts = ? WHERE token_hash = ?", System.currentTimeMillis() - 1, hash));
        err(federation().get(USERINFO + "?access_token=" + enc(token)), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void deactivatedUsersTokensStopWorking() {
        U alice = user(server(), "openid-deact");
        String token = request(alice).path("access_token").asText();
        ok(alice.post(V3 + "/account/deactivate", map("auth", map("type", "m.login.password",
                "identifier", map("type", "m.id.user", "user", alice.id()), "password", alice.user().password()))));
        err(federation().get(USERINFO + "?access_token=" + enc(token)), 401, "M_UNKNOWN_TOKEN");
    }
}
