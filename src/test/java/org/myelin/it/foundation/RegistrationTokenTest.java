package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.ADMIN;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.assertUia;
import static org.myelin.it.foundation.Fx.map;

/**
 * With registration.enabled: false, only admin-issued registration tokens (m.login.registration_token)
 * open /register; tokens are managed with Synapse's admin API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationTokenTest {
    private static final String VALIDITY = "/_matrix/client/v1/register/m.login.registration_token/validity";
    private static final String TOKENS = ADMIN + "/registration_tokens";
    private static final List<List<String>> TOKEN_FLOW = List.of(List.of("m.login.registration_token"));
    private static Myelin closed;
    private static Client c;
    private static User admin;

    @BeforeAll
    static void start() {
        closed = TestServer.start(cfg -> ((ObjectNode) cfg.get("registration")).put("enabled", false));
        c = Fx.client(closed);
    }

    @AfterAll
    static void stop() throws Exception { Fx.close(closed); }

    private static User admin() {
        if (admin == null) admin = Fx.createUser(c, "tokadmin", true);
        return admin;
    }

    private static String newToken(Map<String, Object> body) {
        Resp r = assertOk(c.as(admin()).post(TOKENS + "/new", body));
        return r.str("token");
    }

    private static boolean valid(String token) {
        Resp r = assertOk(c.get(VALIDITY + "?token=" + Client.enc(token)));
        assertTrue(r.body().path("valid").isBoolean(), r::toString);
        return r.body().path("valid").asBoolean();
    }

    private static Resp registerWith(String name, String token, String session) {
        Map<String, Object> auth = map("type", "m.login.registration_token", "token", token);
        if (session != null) auth.put("session", session);
        return c.post(V3 + "/register", map("username", name, "password", "pw", "auth", auth));
    }

    @Test
    @Order(1)
    void withoutAnyTokenRegistrationIsForbidden() {
        assertError(c.post(V3 + "/register", map("username", Client.unique("no"), "password", "pw")), 403, "M_FORBIDDEN");
        assertError(c.post(V3 + "/register", map("username", Client.unique("no"), "password", "pw",
                "auth", map("type", "m.login.dummy"))), 403, "M_FORBIDDEN");
    }

    @Test
    @Order(2)
    void sharedSecretAndGuestsStillWork() {
        assertOk(Fx.sharedSecretRegister(c, Client.unique("ss"), "pw", false));
        assertOk(c.post(V3 + "/register?kind=guest", map()));
    }

    @Test
    void onlyAdminsManageTokens() {
        User plain = Fx.createUser(c, "plain", false);
        assertError(c.as(plain).post(TOKENS + "/new", map()), 403, "M_FORBIDDEN");
        assertError(c.as(plain).get(TOKENS), 403, "M_FORBIDDEN");
        assertError(c.get(TOKENS), 401, "M_MISSING_TOKEN");
    }

    @Test
    void tokenWithOneUse() {
        String token = newToken(map("uses_allowed", 1));
        assertTrue(valid(token));

        String name = Client.unique("tok");
        Resp first = c.post(V3 + "/register", map("username", name, "password", "pw"));
        String session = assertUia(first, TOKEN_FLOW);

        // m.login.dummy is not offered when registration is closed.
        Resp dummy = c.post(V3 + "/register", map("username", name, "password", "pw",
                "auth", map("type", "m.login.dummy", "session", session)));
        assertUia(dummy, TOKEN_FLOW);
        assertEquals("M_UNRECOGNIZED", dummy.errcode(), dummy::toString);

        Resp wrong = registerWith(name, "not-a-token", session);
        assertUia(wrong, TOKEN_FLOW);
        assertEquals("M_FORBIDDEN", wrong.errcode(), wrong::toString);

        Resp ok = assertOk(registerWith(name, token, session));
        assertEquals("@" + name + ":" + TestServer.SERVER_NAME, ok.str("user_id"));
        assertOk(c.as(ok.str("access_token")).get(V3 + "/account/whoami"));

        JsonNode t = assertOk(c.as(admin()).get(TOKENS + "/" + token)).body();
        assertEquals(1, t.path("uses_allowed").asInt());
        assertEquals(0, t.path("pending").asInt(), t::toString);
        assertEquals(1, t.path("completed").asInt(), t::toString);
        assertFalse(valid(token));

        Resp again = registerWith(Client.unique("tok"), token, null);
        assertUia(again, TOKEN_FLOW);
        assertEquals("M_FORBIDDEN", again.errcode(), again::toString);
    }

    @Test
    void unlimitedTokenAndGeneratedTokenLength() {
        String token = newToken(map("length", 20));
        assertEquals(20, token.length());
        assertTrue(token.matches("[A-Za-z0-9._~-]+"), token);
        for (int i = 0; i < 3; i++) assertOk(registerWith(Client.unique("many"), token, null));
        assertTrue(valid(token));
        JsonNode t = assertOk(c.as(admin()).get(TOKENS + "/" + token)).body();
        assertTrue(t.path("uses_allowed").isNull(), t::toString);
        assertEquals(3, t.path("completed").asInt());
    }

    @Test
    void expiredTokenIsInvalid() throws Exception {
        long expiry = System.currentTimeMillis() + 400;
        String token = newToken(map("token", "expiring-" + System.nanoTime(), "expiry_time", expiry));
        assertTrue(valid(token));
        Thread.sleep(Math.max(0, expiry - System.currentTimeMillis()) + 50);
        assertFalse(valid(token));
        Resp r = registerWith(Client.unique("late"), token, null);
        assertUia(r, TOKEN_FLOW);
        assertEquals("M_FORBIDDEN", r.errcode(), r::toString);
    }

    @Test
    void expiryInThePastIsRejected() {
        assertError(c.as(admin()).post(TOKENS + "/new", map("expiry_time", System.currentTimeMillis() - 60_000)),
                400, "M_INVALID_PARAM");
        String token = newToken(map());
        assertError(c.as(admin()).put(TOKENS + "/" + token, map("expiry_time", System.currentTimeMillis() - 60_000)),
                400, "M_INVALID_PARAM");
    }

    @Test
    void tokenAdministration() {
        String name = "Custom_tok-" + System.nanoTime();
        Resp created = assertOk(c.as(admin()).post(TOKENS + "/new", map("token", name, "uses_allowed", 5)));
        assertEquals(name, created.str("token"));
        assertEquals(5, created.body().path("uses_allowed").asInt());
        assertEquals(0, created.body().path("pending").asInt());
        assertEquals(0, created.body().path("completed").asInt());
        assertTrue(created.body().path("expiry_time").isNull(), created::toString);

        assertError(c.as(admin()).post(TOKENS + "/new", map("token", name)), 400, "M_INVALID_PARAM");
        assertError(c.as(admin()).post(TOKENS + "/new", map("token", "bad token!")), 400, "M_INVALID_PARAM");
        assertError(c.as(admin()).post(TOKENS + "/new", map("token", "x".repeat(65))), 400, "M_INVALID_PARAM");
        assertError(c.as(admin()).post(TOKENS + "/new", map("uses_allowed", -1)), 400, "M_INVALID_PARAM");
        assertError(c.as(admin()).post(TOKENS + "/new", map("uses_allowed", "many")), 400, "M_BAD_JSON");

        Resp all = assertOk(c.as(admin()).get(TOKENS));
        boolean listed = false;
        for (JsonNode t : all.body().path("registration_tokens")) listed |= t.path("token").asText().equals(name);
        assertTrue(listed, all::toString);

        Resp updated = assertOk(c.as(admin()).put(TOKENS + "/" + name, map("uses_allowed", 0)));
        assertEquals(0, updated.body().path("uses_allowed").asInt());
        assertFalse(valid(name));
        Resp validOnly = assertOk(c.as(admin()).get(TOKENS + "?valid=true"));
        for (JsonNode t : validOnly.body().path("registration_tokens")) assertFalse(t.path("token").asText().equals(name));

        assertOk(c.as(admin()).delete(TOKENS + "/" + name));
        assertError(c.as(admin()).get(TOKENS + "/" + name), 404, "M_NOT_FOUND");
        assertError(c.as(admin()).delete(TOKENS + "/" + name), 404, "M_NOT_FOUND");
        assertError(c.as(admin()).put(TOKENS + "/" + name, map("uses_allowed", 1)), 404, "M_NOT_FOUND");
        assertFalse(valid(name));
    }

    @Test
    void validityOfUnknownToken() {
        assertFalse(valid("never-issued"));
        assertError(c.get(VALIDITY), 400, "M_MISSING_PARAM");
    }
}
