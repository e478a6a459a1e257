package org.myelin.it.foundation;

import org.junit.jupiter.api.Test;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.assertUia;
import static org.myelin.it.foundation.Fx.map;
import static org.myelin.it.foundation.Fx.passwordAuth;

/** /account/password, /account/deactivate and /account/3pid, with user-interactive auth. */
class AccountTest {
    private static final Client c = Fx.shared();
    private static final List<List<String>> PASSWORD_FLOW = List.of(List.of("m.login.password"));

    private static Resp changePassword(User u, String newPassword, Map<String, Object> auth, Boolean logoutDevices) {
        Map<String, Object> body = map("new_password", newPassword);
        if (auth != null) body.put("auth", auth);
        if (logoutDevices != null) body.put("logout_devices", logoutDevices);
        return c.as(u).post(V3 + "/account/password", body);
    }

    @Test
    void passwordChangeWithUiaLogsOutOtherDevices() {
        User u = c.register("pwchange");
        User other = Fx.loginAgain(c, u);

        Resp first = changePassword(u, "new-password", null, null);
        String session = assertUia(first, PASSWORD_FLOW);
        assertEquals(null, first.errcode(), first::toString);

        Resp wrong = changePassword(u, "new-password", passwordAuth(u, "not-my-password", session), null);
        assertEquals(session, assertUia(wrong, PASSWORD_FLOW));
        assertEquals("M_FORBIDDEN", wrong.errcode(), wrong::toString);
        assertTrue(wrong.body().path("error").isTextual(), wrong::toString);

        assertOk(changePassword(u, "new-password", passwordAuth(u, u.password(), session), null));

        // logout_devices defaults to true: other devices are logged out, this one stays.
        Fx.assertTokenRevoked(c, other.token());
        Fx.assertTokenWorks(c, u.token());
        assertError(Fx.login(c, u.userId(), u.password()), 403, "M_FORBIDDEN");
        assertOk(Fx.login(c, u.userId(), "new-password"));
    }

    @Test
    void passwordChangeCanKeepOtherDevices() {
        User u = c.register("pwkeep");
        User other = Fx.loginAgain(c, u);
        // One call with the auth dict and no session completes at once.
        assertOk(changePassword(u, "kept-devices", passwordAuth(u, u.password(), null), false));
        Fx.assertTokenWorks(c, other.token());
        Fx.assertTokenWorks(c, u.token());
        assertOk(Fx.login(c, Fx.localpart(u.userId()), "kept-devices"));
        assertError(Fx.login(c, u.userId(), u.password()), 403, "M_FORBIDDEN");
    }

    @Test
    void passwordStageMustNameTheCaller() {
        User u = c.register("pwself");
        User mallory = c.register("pwother");
        // Mallory's own correct password does not authenticate a change of u's password.
        Map<String, Object> auth = passwordAuth(mallory, mallory.password(), null);
        Resp r = changePassword(u, "hijacked", auth, null);
        assertUia(r, PASSWORD_FLOW);
        assertEquals("M_FORBIDDEN", r.errcode(), r::toString);
        // The legacy "user" field with a localpart works for the caller.
        Map<String, Object> legacy = map("type", "m.login.password", "user", Fx.localpart(u.userId()), "password", u.password());
        assertOk(changePassword(u, "changed", legacy, null));
        assertOk(Fx.login(c, u.userId(), "changed"));
    }

    @Test
    void uiaSessionBelongsToTheUserWhoStartedIt() {
        User a = c.register("uia-a");
        User b = c.register("uia-b");
        String session = assertUia(changePassword(a, "x-new", null, null), PASSWORD_FLOW);
        // b cannot continue a's session, even with b's own password.
        Resp r = changePassword(b, "x-new", passwordAuth(b, b.password(), session), null);
        assertError(r, 403, "M_FORBIDDEN");
        assertOk(Fx.login(c, b.userId(), b.password()));
        // a still can.
        assertOk(changePassword(a, "x-new", passwordAuth(a, a.password(), session), null));
    }

    @Test
    void passwordChangeValidatesInput() {
        User u = c.register("pwbad");
        assertError(changePassword(u, "", passwordAuth(u, u.password(), null), null), 400, "M_BAD_JSON");
        assertError(c.as(u).post(V3 + "/account/password", map("new_password", "x", "logout_devices", "yes")), 400, "M_BAD_JSON");
        assertError(c.as(u).post(V3 + "/account/password", map("new_password", "x", "auth", map("type", 5))), 400, "M_BAD_JSON");
        Resp unknownStage = changePassword(u, "x", map("type", "m.login.dummy"), null);
        assertUia(unknownStage, PASSWORD_FLOW);
        assertEquals("M_UNRECOGNIZED", unknownStage.errcode(), unknownStage::toString);
        assertError(changePassword(u, "x", map("type", "m.login.password", "session", "nope"), null), 400, "M_UNKNOWN");
        // Nothing changed.
        assertOk(Fx.login(c, u.userId(), u.password()));
    }

    @Test
    void deactivation() {
        User u = c.register("deact");
        User other = Fx.loginAgain(c, u);
        String session = assertUia(c.as(u).post(V3 + "/account/deactivate", map()), PASSWORD_FLOW);
        Resp wrong = c.as(u).post(V3 + "/account/deactivate", map("auth", passwordAuth(u, "nope", session)));
        assertUia(wrong, PASSWORD_FLOW);
        assertEquals("M_FORBIDDEN", wrong.errcode());
        Fx.assertTokenWorks(c, u.token());

        Resp done = assertOk(c.as(u).post(V3 + "/account/deactivate", map("auth", passwordAuth(u, u.password(), session))));
        assertEquals("no-support", done.str("id_server_unbind_result"), done::toString);

        // Every session is gone and the user can no longer log in.
        Fx.assertTokenRevoked(c, u.token());
        Fx.assertTokenRevoked(c, other.token());
        assertError(Fx.login(c, u.userId(), u.password()), 403, "M_USER_DEACTIVATED");
        assertError(Fx.login(c, u.userId(), "any other password"), 403, "M_USER_DEACTIVATED");

        // The ID is never handed out again.
        String local = Fx.localpart(u.userId());
        assertError(c.post(V3 + "/register", map("username", local, "password", "pw", "auth", map("type", "m.login.dummy"))),
                400, "M_USER_IN_USE");
        assertError(c.get(V3 + "/register/available?username=" + local), 400, "M_USER_IN_USE");
        assertError(Fx.sharedSecretRegister(c, local, "pw", false), 400, "M_USER_IN_USE");
    }

    @Test
    void deactivationValidatesInput() {
        User u = c.register("deactbad");
        assertError(c.as(u).post(V3 + "/account/deactivate", map("erase", "yes")), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/account/deactivate", map()), 401, "M_MISSING_TOKEN");
        Fx.assertTokenWorks(c, u.token());
    }

    @Test
    void threepidsAreEmpty() {
        User u = c.register("3pid");
        Resp r = assertOk(c.as(u).get(V3 + "/account/3pid"));
        assertTrue(r.body().path("threepids").isArray() && r.body().path("threepids").isEmpty(), r::toString);
        assertError(c.get(V3 + "/account/3pid"), 401, "M_MISSING_TOKEN");
    }
}
