package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.assertUia;
import static org.myelin.it.foundation.Fx.map;

/** POST /register with open registration (m.login.dummy), guests, and GET /register/available. */
class RegistrationTest {
    private static final Client c = Fx.shared();
    private static final String SERVER = TestServer.SERVER_NAME;
    private static final List<List<String>> OPEN_FLOWS = List.of(List.of("m.login.dummy"), List.of("m.login.registration_token"));

    private static Resp register(Map<String, Object> body) { return c.post(V3 + "/register", body); }

    private static Map<String, Object> dummy() { return map("type", "m.login.dummy"); }

    @Test
    void firstCallReturnsFlowsThenDummyCompletes() {
        String name = Client.unique("reg");
        Resp first = register(map("username", name, "password", "secret-pw"));
        String session = assertUia(first, OPEN_FLOWS);
        assertTrue(first.body().path("completed").isArray() && first.body().path("completed").isEmpty(), first::toString);
        assertNull(first.errcode(), first::toString);

        Resp done = assertOk(register(map("username", name, "password", "secret-pw",
                "auth", map("type", "m.login.dummy", "session", session))));
        assertEquals("@" + name + ":" + SERVER, done.str("user_id"));
        assertTrue(done.str("access_token").length() >= 22, done::toString);
        assertFalse(done.str("device_id").isEmpty());
        assertEquals(SERVER, done.str("home_server"));
        assertNull(done.body().get("refresh_token"), done::toString);
        assertNull(done.body().get("expires_in_ms"), done::toString);

        Resp who = assertOk(c.as(done.str("access_token")).get(V3 + "/account/whoami"));
        assertEquals(done.str("user_id"), who.str("user_id"));
        assertEquals(done.str("device_id"), who.str("device_id"));
        assertFalse(who.body().path("is_guest").asBoolean());

        // The password works for login.
        assertOk(Fx.login(c, name, "secret-pw"));
        // A completed session cannot be replayed.
        Resp replay = register(map("username", Client.unique("reg"), "password", "x", "auth", map("type", "m.login.dummy",
                "session", session)));
        assertError(replay, 400, "M_UNKNOWN");
    }

    @Test
    void dummyAuthWithoutSessionCompletesInOneCall() {
        String name = Client.unique("one");
        Resp r = assertOk(register(map("username", name, "password", "pw", "auth", dummy())));
        assertEquals("@" + name + ":" + SERVER, r.str("user_id"));
    }

    @Test
    void unknownSessionIsRejected() {
        assertError(register(map("username", Client.unique("s"), "password", "pw",
                "auth", map("type", "m.login.dummy", "session", "no-such-session"))), 400, "M_UNKNOWN");
    }

    @Test
    void unofferedAuthTypeIsRefused() {
        Resp r = register(map("username", Client.unique("t"), "password", "pw", "auth", map("type", "m.login.password")));
        assertUia(r, OPEN_FLOWS);
        assertEquals("M_UNRECOGNIZED", r.errcode(), r::toString);
    }

    @Test
    void sessionCannotBeUsedForAnotherEndpoint() {
        String session = assertUia(register(map("username", Client.unique("x"), "password", "pw")), OPEN_FLOWS);
        User u = c.register("other-op");
        Resp r = c.as(u).post(V3 + "/account/password", map("new_password", "new-pw",
                "auth", Fx.passwordAuth(u, u.password(), session)));
        assertError(r, 403, "M_FORBIDDEN");
        // Nothing changed.
        assertOk(Fx.login(c, u.userId(), u.password()));
    }

    @Test
    void usernameInUse() {
        User u = c.register("taken");
        String local = Fx.localpart(u.userId());
        assertError(register(map("username", local, "password", "pw")), 400, "M_USER_IN_USE");
        assertError(register(map("username", local, "password", "pw", "auth", dummy())), 400, "M_USER_IN_USE");
        // Usernames are case-folded, so the upper-case form is the same account.
        assertError(register(map("username", local.toUpperCase(), "password", "pw", "auth", dummy())), 400, "M_USER_IN_USE");
    }

    @Test
    void upperCaseUsernameIsLowerCased() {
        String name = Client.unique("MiXeD");
        Resp r = assertOk(register(map("username", name, "password", "pw", "auth", dummy())));
        assertEquals("@" + name.toLowerCase() + ":" + SERVER, r.str("user_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "bad:colon", "emoji\u263a", "quote\"", "at@sign", "hash#", "tab\there",
            "12345", "0", "_reserved", "_", "slash\\back"})
    void invalidUsernameIsRejected(String name) {
        assertError(register(map("username", name, "password", "pw", "auth", dummy())), 400, "M_INVALID_USERNAME");
        assertError(c.get(V3 + "/register/available?username=" + Client.enc(name)), 400, "M_INVALID_USERNAME");
    }

    @Test
    void overlongUsernameIsRejected() {
        String name = "a".repeat(256);
        assertError(register(map("username", name, "password", "pw", "auth", dummy())), 400, "M_INVALID_USERNAME");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dots.and_under", "a=b", "slash/ok", "plus+ok", "dash-ok", "1leadingdigit"})
    void grammarCharactersAreAccepted(String base) {
        String name = base + "." + Client.unique("g").replace("-", "");
        Resp r = assertOk(register(map("username", name, "password", "pw", "auth", dummy())));
        assertEquals("@" + name + ":" + SERVER, r.str("user_id"));
    }

    @Test
    void usernameIsGeneratedWhenOmitted() {
        Resp r = assertOk(register(map("password", "pw", "auth", dummy())));
        String id = r.str("user_id");
        assertTrue(id.startsWith("@") && id.endsWith(":" + SERVER), r::toString);
        Resp r2 = assertOk(register(map("password", "pw", "auth", dummy())));
        assertNotEquals(id, r2.str("user_id"));
    }

    @Test
    void inhibitLoginReturnsNoToken() {
        String name = Client.unique("inhibit");
        Resp r = assertOk(register(map("username", name, "password", "pw", "inhibit_login", true, "auth", dummy())));
        assertEquals("@" + name + ":" + SERVER, r.str("user_id"));
        assertNull(r.body().get("access_token"), r::toString);
        assertNull(r.body().get("device_id"), r::toString);
        assertNull(r.body().get("refresh_token"), r::toString);
        // The account exists and can log in.
        assertOk(Fx.login(c, name, "pw"));
    }

    @Test
    void deviceIdAndDisplayNameAreUsed() {
        String name = Client.unique("dev");
        Resp r = assertOk(register(map("username", name, "password", "pw", "device_id", "MYDEVICE",
                "initial_device_display_name", "My phone", "auth", dummy())));
        assertEquals("MYDEVICE", r.str("device_id"));
        Resp who = assertOk(c.as(r.str("access_token")).get(V3 + "/account/whoami"));
        assertEquals("MYDEVICE", who.str("device_id"));
        assertError(register(map("username", Client.unique("dev"), "password", "pw", "initial_device_display_name", 5,
                "auth", dummy())), 400, "M_BAD_JSON");
        assertError(register(map("username", Client.unique("dev"), "password", "pw", "device_id", "",
                "auth", dummy())), 400, "M_INVALID_PARAM");
        assertError(register(map("username", Client.unique("dev"), "password", "pw", "device_id", "D".repeat(256),
                "auth", dummy())), 400, "M_INVALID_PARAM");
    }

    @Test
    void refreshTokenOnRequest() {
        Resp r = assertOk(register(map("username", Client.unique("rt"), "password", "pw", "refresh_token", true, "auth", dummy())));
        assertTrue(r.str("refresh_token") != null && !r.str("refresh_token").isEmpty(), r::toString);
        assertTrue(r.body().path("expires_in_ms").isIntegralNumber() && r.body().path("expires_in_ms").asLong() > 0, r::toString);
        assertNotEquals(r.str("access_token"), r.str("refresh_token"));
        assertOk(c.as(r.str("access_token")).get(V3 + "/account/whoami"));
    }

    @Test
    void unknownKindIsRejected() {
        assertError(c.post(V3 + "/register?kind=admin", map("username", Client.unique("k"), "password", "pw", "auth", dummy())),
                400, "M_INVALID_PARAM");
    }

    @Test
    void explicitKindUserRegisters() {
        assertOk(c.post(V3 + "/register?kind=user", map("username", Client.unique("k"), "password", "pw", "auth", dummy())));
    }

    @Test
    void guestRegistration() {
        Resp g = assertOk(c.post(V3 + "/register?kind=guest", map("initial_device_display_name", "guest browser")));
        String id = g.str("user_id");
        assertTrue(id.matches("@[0-9]+:" + SERVER.replace(".", "\\.")), () -> "guests get numeric IDs: " + g);
        assertFalse(g.str("access_token").isEmpty());
        assertFalse(g.str("device_id").isEmpty());
        Resp who = assertOk(c.as(g.str("access_token")).get(V3 + "/account/whoami"));
        assertEquals(id, who.str("user_id"));
        assertTrue(who.body().path("is_guest").asBoolean(), who::toString);
        // Guests do not get the same ID twice.
        Resp g2 = assertOk(c.post(V3 + "/register?kind=guest", map()));
        assertNotEquals(id, g2.str("user_id"));
        // An empty body is fine for guests.
        assertOk(c.raw("POST", V3 + "/register?kind=guest", null, Map.of()));
    }

    @Test
    void guestsCannotUseFullAccountEndpoints() {
        Resp g = assertOk(c.post(V3 + "/register?kind=guest", map()));
        Client guest = c.as(g.str("access_token"));
        assertError(guest.post(V3 + "/account/password", map("new_password", "pw", "auth", map("type", "m.login.password"))),
                403, "M_GUEST_ACCESS_FORBIDDEN");
        assertError(guest.post(V3 + "/account/deactivate", map()), 403, "M_GUEST_ACCESS_FORBIDDEN");
        assertError(guest.get(V3 + "/account/3pid"), 403, "M_GUEST_ACCESS_FORBIDDEN");
        // but may log out.
        assertOk(guest.post(V3 + "/logout", map()));
        Fx.assertTokenRevoked(c, g.str("access_token"));
    }

    @Test
    void guestRegistrationCanBeDisabled() throws Exception {
        Myelin noGuests = TestServer.start(cfg -> ((ObjectNode) cfg.get("registration")).put("allow_guests", false));
        try {
            Client nc = Fx.client(noGuests);
            assertError(nc.post(V3 + "/register?kind=guest", map()), 403, "M_GUEST_ACCESS_FORBIDDEN");
            assertOk(nc.post(V3 + "/register", map("username", Client.unique("full"), "password", "pw", "auth", dummy())));
        } finally {
            noGuests.close();
        }
    }

    @Test
    void concurrentRegistrationsOfOneNameYieldOneAccount() throws Exception {
        String name = Client.unique("race");
        int n = 8;
        List<Resp> results;
        try (ExecutorService ex = Executors.newFixedThreadPool(n)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Resp>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(ex.submit(() -> {
                    go.await();
                    return register(map("username", name, "password", "pw", "auth", dummy()));
                }));
            }
            go.countDown();
            results = new ArrayList<>();
            for (Future<Resp> f : futures) results.add(f.get());
        }
        int ok = 0;
        for (Resp r : results) {
            if (r.status() == 200) {
                ok++;
            } else {
                assertError(r, 400, "M_USER_IN_USE");
            }
        }
        assertEquals(1, ok, results::toString);
    }

    @Test
    void availability() {
        String free = Client.unique("free");
        Resp r = assertOk(c.get(V3 + "/register/available?username=" + free));
        assertTrue(r.body().path("available").asBoolean(), r::toString);
        User u = c.register("avail");
        assertError(c.get(V3 + "/register/available?username=" + Fx.localpart(u.userId())), 400, "M_USER_IN_USE");
        assertError(c.get(V3 + "/register/available?username=" + Fx.localpart(u.userId()).toUpperCase()), 400, "M_USER_IN_USE");
        // Available needs no token, and works on r0.
        assertOk(c.get("/_matrix/client/r0/register/available?username=" + free));
    }
}
