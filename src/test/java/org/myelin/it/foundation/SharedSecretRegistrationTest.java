package org.myelin.it.foundation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.TestServer;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.ADMIN;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.mac;
import static org.myelin.it.foundation.Fx.map;

/** Synapse-compatible GET/POST /_synapse/admin/v1/register (nonce + HMAC-SHA1). */
class SharedSecretRegistrationTest {
    private static final Client c = Fx.shared();
    private static final String SECRET = TestServer.SHARED_SECRET;
    private static Myelin noSecret;

    @BeforeAll
    static void start() {
        noSecret = TestServer.start(cfg -> cfg.remove("registration_shared_secret"));
    }

    @AfterAll
    static void stop() throws Exception { Fx.close(noSecret); }

    private static String nonce() {
        Resp r = assertOk(c.get(ADMIN + "/register"));
        String n = r.str("nonce");
        assertTrue(n != null && n.length() >= 16, r::toString);
        return n;
    }

    private static Map<String, Object> body(String nonce, String user, String password, boolean admin, String mac) {
        return map("nonce", nonce, "username", user, "password", password, "admin", admin, "mac", mac);
    }

    @Test
    void noncesAreFresh() {
        assertNotEquals(nonce(), nonce());
    }

    @Test
    void registerWithCorrectMac() {
        String name = Client.unique("ss");
        String nonce = nonce();
        Resp r = assertOk(c.post(ADMIN + "/register", body(nonce, name, "pw-1", false, mac(SECRET, nonce, name, "pw-1", false, null))));
        String userId = "@" + name + ":" + TestServer.SERVER_NAME;
        assertEquals(userId, r.str("user_id"));
        assertEquals(TestServer.SERVER_NAME, r.str("home_server"));
        assertFalse(r.str("device_id").isEmpty());
        Resp who = assertOk(Fx.whoami(c, r.str("access_token")));
        assertEquals(userId, who.str("user_id"));
        assertOk(Fx.login(c, name, "pw-1"));
    }

    @Test
    void upperCaseHexMacIsAccepted() {
        String name = Client.unique("hex");
        String nonce = nonce();
        assertOk(c.post(ADMIN + "/register", body(nonce, name, "pw", false, mac(SECRET, nonce, name, "pw", false, null).toUpperCase())));
    }

    @Test
    void userTypeIsPartOfTheMac() {
        String name = Client.unique("typed");
        String nonce = nonce();
        Map<String, Object> b = body(nonce, name, "pw", false, mac(SECRET, nonce, name, "pw", false, "bot"));
        b.put("user_type", "bot");
        assertOk(c.post(ADMIN + "/register", b));
    }

    @Test
    void displaynameIsApplied() {
        String name = Client.unique("dn");
        String nonce = nonce();
        Map<String, Object> b = body(nonce, name, "pw", false, mac(SECRET, nonce, name, "pw", false, null));
        b.put("displayname", "Display Me");
        Resp r = assertOk(c.post(ADMIN + "/register", b));
        assertEquals("Display Me", assertOk(c.get(V3 + "/profile/" + Client.enc(r.str("user_id")))).str("displayname"));
    }

    @Test
    void wrongMacIs403() {
        String name = Client.unique("badmac");
        String nonce = nonce();
        assertError(c.post(ADMIN + "/register", body(nonce, name, "pw", false, mac("wrong-secret", nonce, name, "pw", false, null))),
                403, "M_FORBIDDEN");
        // The MAC covers the admin flag: claiming admin with a non-admin MAC fails.
        String nonce2 = nonce();
        assertError(c.post(ADMIN + "/register", body(nonce2, name, "pw", true, mac(SECRET, nonce2, name, "pw", false, null))),
                403, "M_FORBIDDEN");
        String nonce3 = nonce();
        assertError(c.post(ADMIN + "/register", body(nonce3, name, "pw", false, "not-hex")), 403, "M_FORBIDDEN");
        // No account was created.
        assertOk(c.get(V3 + "/register/available?username=" + name));
    }

    @Test
    void nonceCannotBeReused() {
        String name = Client.unique("reuse");
        String nonce = nonce();
        assertOk(c.post(ADMIN + "/register", body(nonce, name, "pw", false, mac(SECRET, nonce, name, "pw", false, null))));
        String name2 = Client.unique("reuse");
        assertError(c.post(ADMIN + "/register", body(nonce, name2, "pw", false, mac(SECRET, nonce, name2, "pw", false, null))),
                400, "M_UNKNOWN");
        assertError(c.post(ADMIN + "/register", body("never-issued", name2, "pw", false, mac(SECRET, "never-issued", name2, "pw", false, null))),
                400, "M_UNKNOWN");
    }

    @Test
    void adminFlagGrantsAdminApi() {
        Client.User admin = Fx.createUser(c, "ssadmin", true);
        Client.User plain = Fx.createUser(c, "ssplain", false);
        assertOk(c.as(admin).get(ADMIN + "/registration_tokens"));
        assertError(c.as(plain).get(ADMIN + "/registration_tokens"), 403, "M_FORBIDDEN");
    }

    @Test
    void takenAndInvalidUsernames() {
        Client.User u = c.register("sstaken");
        assertError(Fx.sharedSecretRegister(c, Fx.localpart(u.userId()), "pw", false), 400, "M_USER_IN_USE");
        assertError(Fx.sharedSecretRegister(c, "bad name", "pw", false), 400, "M_INVALID_USERNAME");
        assertError(Fx.sharedSecretRegister(c, "_reserved" + System.nanoTime(), "pw", false), 400, "M_INVALID_USERNAME");
    }

    @Test
    void missingFields() {
        assertError(c.post(ADMIN + "/register", map("nonce", nonce(), "username", "x", "password", "pw")), 400, "M_MISSING_PARAM");
        assertError(c.post(ADMIN + "/register", map()), 400, "M_MISSING_PARAM");
        assertError(c.post(ADMIN + "/register", map("nonce", 1)), 400, "M_BAD_JSON");
    }

    @Test
    void disabledWithoutSharedSecret() {
        Client nc = Fx.client(noSecret);
        assertError(nc.get(ADMIN + "/register"), 400, "M_UNKNOWN");
        assertError(nc.post(ADMIN + "/register", body("n", "someone", "pw", false, mac(SECRET, "n", "someone", "pw", false, null))),
                400, "M_UNKNOWN");
    }
}
