package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.map;

/** GET/POST /login, /logout, /logout/all and /account/whoami. */
class LoginTest {
    private static final Client c = Fx.shared();
    private static User bob;

    @BeforeAll
    static void users() { bob = c.register("login"); }

    private static String local() { return Fx.localpart(bob.userId()); }

    @Test
    void getLoginAdvertisesPasswordFlow() {
        Resp r = assertOk(c.get(V3 + "/login"));
        boolean password = false;
        for (JsonNode f : r.body().path("flows")) password |= f.path("type").asText().equals("m.login.password");
        assertTrue(password, r::toString);
    }

    @Test
    void loginWithLocalpart() {
        Resp r = assertOk(Fx.login(c, local(), bob.password()));
        assertEquals(bob.userId(), r.str("user_id"));
        assertEquals(TestServer.SERVER_NAME, r.str("home_server"));
        assertFalse(r.str("device_id").isEmpty());
        assertNotEquals(bob.token(), r.str("access_token"));
        assertNull(r.body().get("refresh_token"), r::toString);
        assertNull(r.body().get("expires_in_ms"), r::toString);
        Fx.assertTokenWorks(c, r.str("access_token"));
        // Each login without device_id is a new device; the earlier session keeps working.
        Fx.assertTokenWorks(c, bob.token());
    }

    @Test
    void loginWithFullUserIdAndUpperCaseLocalpart() {
        assertEquals(bob.userId(), assertOk(Fx.login(c, bob.userId(), bob.password())).str("user_id"));
        assertEquals(bob.userId(), assertOk(Fx.login(c, local().toUpperCase(), bob.password())).str("user_id"));
    }

    @Test
    void legacyUserField() {
        Resp r = assertOk(c.post(V3 + "/login", map("type", "m.login.password", "user", local(), "password", bob.password())));
        assertEquals(bob.userId(), r.str("user_id"));
        Resp r2 = assertOk(c.post(V3 + "/login", map("type", "m.login.password", "user", bob.userId(), "password", bob.password())));
        assertEquals(bob.userId(), r2.str("user_id"));
    }

    @Test
    void wrongPasswordIs403() {
        assertError(Fx.login(c, local(), "wrong-password"), 403, "M_FORBIDDEN");
        assertError(Fx.login(c, local(), ""), 403, "M_FORBIDDEN");
    }

    @Test
    void unknownUserIs403() {
        assertError(Fx.login(c, Client.unique("ghost"), "pw"), 403, "M_FORBIDDEN");
        assertError(Fx.login(c, "@ghost:" + TestServer.SERVER_NAME, "pw"), 403, "M_FORBIDDEN");
        assertError(Fx.login(c, "@" + local() + ":other.server", bob.password()), 403, "M_FORBIDDEN");
        assertError(Fx.login(c, "@", "pw"), 403, "M_FORBIDDEN");
        assertError(Fx.login(c, "has space", "pw"), 403, "M_FORBIDDEN");
    }

    @Test
    void unknownLoginTypeIs400Unknown() {
        assertError(c.post(V3 + "/login", map("type", "m.login.token", "token", "abc")), 400, "M_UNKNOWN");
        assertError(c.post(V3 + "/login", map("type", "org.example.magic")), 400, "M_UNKNOWN");
    }

    @Test
    void unknownIdentifierType() {
        assertError(c.post(V3 + "/login", map("type", "m.login.password", "identifier", map("type", "org.example.id", "user", local()),
                "password", bob.password())), 400, "M_UNKNOWN");
        // No 3PIDs exist yet, so a 3PID login is refused like an unknown user.
        assertError(c.post(V3 + "/login", map("type", "m.login.password", "identifier", map("type", "m.id.thirdparty",
                "medium", "email", "address", "bob@example.org"), "password", bob.password())), 403, "M_FORBIDDEN");
    }

    @Test
    void reusingADeviceIdReplacesItsToken() {
        User u = c.register("devreuse");
        Map<String, Object> body = Fx.passwordLogin(u.userId(), u.password());
        body.put("device_id", "REUSED");
        body.put("initial_device_display_name", "laptop");
        Resp first = assertOk(c.post(V3 + "/login", body));
        assertEquals("REUSED", first.str("device_id"));
        Fx.assertTokenWorks(c, first.str("access_token"));

        Resp second = assertOk(c.post(V3 + "/login", body));
        assertEquals("REUSED", second.str("device_id"));
        assertNotEquals(first.str("access_token"), second.str("access_token"));
        Fx.assertTokenRevoked(c, first.str("access_token"));
        Resp who = assertOk(Fx.whoami(c, second.str("access_token")));
        assertEquals("REUSED", who.str("device_id"));
        // Other devices are untouched.
        Fx.assertTokenWorks(c, u.token());
        // The registration device can be taken over by a login too.
        body.put("device_id", u.deviceId());
        assertOk(c.post(V3 + "/login", body));
        Fx.assertTokenRevoked(c, u.token());
    }

    @Test
    void invalidDeviceIdIsRejected() {
        Map<String, Object> body = Fx.passwordLogin(bob.userId(), bob.password());
        body.put("device_id", "");
        assertError(c.post(V3 + "/login", body), 400, "M_INVALID_PARAM");
        body.put("device_id", "D".repeat(256));
        assertError(c.post(V3 + "/login", body), 400, "M_INVALID_PARAM");
    }

    @Test
    void whoamiReportsUserAndDevice() {
        Resp r = assertOk(c.as(bob).get(V3 + "/account/whoami"));
        assertEquals(bob.userId(), r.str("user_id"));
        assertEquals(bob.deviceId(), r.str("device_id"));
        assertFalse(r.body().path("is_guest").asBoolean(false), r::toString);
    }

    @Test
    void logoutRevokesOnlyThatToken() {
        User u = c.register("logout");
        User other = Fx.loginAgain(c, u);
        assertOk(c.as(u).post(V3 + "/logout", map()));
        Fx.assertTokenRevoked(c, u.token());
        Fx.assertTokenWorks(c, other.token());
        // Logging out twice: the token is gone.
        assertError(c.as(u).post(V3 + "/logout", map()), 401, "M_UNKNOWN_TOKEN");
        // The device can log in again.
        assertOk(Fx.login(c, u.userId(), u.password()));
    }

    @Test
    void logoutAllRevokesEveryToken() {
        User u = c.register("logoutall");
        User second = Fx.loginAgain(c, u);
        User third = Fx.loginAgain(c, u);
        assertOk(c.as(second).post(V3 + "/logout/all", map()));
        Fx.assertTokenRevoked(c, u.token());
        Fx.assertTokenRevoked(c, second.token());
        Fx.assertTokenRevoked(c, third.token());
        // Other users are untouched.
        Fx.assertTokenWorks(c, bob.token());
        // The password still works.
        Fx.assertTokenWorks(c, Fx.loginAgain(c, u).token());
    }

    @Test
    void logoutNeedsAToken() {
        assertError(c.post(V3 + "/logout", map()), 401, "M_MISSING_TOKEN");
        assertError(c.post(V3 + "/logout/all", map()), 401, "M_MISSING_TOKEN");
        assertError(c.as("bogus").post(V3 + "/logout/all", map()), 401, "M_UNKNOWN_TOKEN");
    }
}
