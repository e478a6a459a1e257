package org.myelin.it.foundation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.map;

/** Refresh tokens: expiring access tokens, soft logout, rotation and revocation of the old pair. */
class RefreshTokenTest {
    private static final long LIFETIME_MS = 1200;
    private static Myelin server;
    private static Client c;
    private static User user;

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> cfg.putObject("tokens").put("refreshable_access_token_lifetime_ms", LIFETIME_MS));
        c = Fx.client(server);
        user = c.register("refresh");
    }

    @AfterAll
    static void stop() throws Exception { Fx.close(server); }

    private record Pair(String access, String refresh, String deviceId) {}

    private static Pair loginWithRefresh() {
        Map<String, Object> body = Fx.passwordLogin(user.userId(), user.password());
        body.put("refresh_token", true);
        Resp r = assertOk(c.post(V3 + "/login", body));
        assertEquals(LIFETIME_MS, r.body().path("expires_in_ms").asLong(), r::toString);
        assertNotNull(r.str("refresh_token"), r::toString);
        return new Pair(r.str("access_token"), r.str("refresh_token"), r.str("device_id"));
    }

    private static Resp refresh(String refreshToken) {
        return c.post(V3 + "/refresh", map("refresh_token", refreshToken));
    }

    private static Pair assertRefreshed(Resp r) {
        assertOk(r);
        assertTrue(r.body().path("expires_in_ms").asLong() > 0, r::toString);
        assertNotNull(r.str("access_token"), r::toString);
        assertNotNull(r.str("refresh_token"), r::toString);
        return new Pair(r.str("access_token"), r.str("refresh_token"), null);
    }

    @Test
    void expiredAccessTokenIsSoftLogoutButPlainTokensDoNotExpire() throws Exception {
        Pair p = loginWithRefresh();
        Resp plain = assertOk(Fx.login(c, user.userId(), user.password()));
        assertTrue(plain.body().get("expires_in_ms") == null, plain::toString);
        Fx.assertTokenWorks(c, p.access());
        Thread.sleep(LIFETIME_MS + 100);

        Resp r = assertError(Fx.whoami(c, p.access()), 401, "M_UNKNOWN_TOKEN");
        assertTrue(r.body().path("soft_logout").asBoolean(), () -> "an expired token is a soft logout: " + r);
        Fx.assertTokenWorks(c, plain.str("access_token"));

        // The refresh token still works and gives a fresh pair on the same device.
        Pair next = assertRefreshed(refresh(p.refresh()));
        Resp who = assertOk(Fx.whoami(c, next.access()));
        assertEquals(user.userId(), who.str("user_id"));
        assertEquals(p.deviceId(), who.str("device_id"));
    }

    @Test
    void refreshRotatesAndRevokesTheOldPairOnceTheNewTokenIsUsed() {
        Pair p = loginWithRefresh();
        Pair p2 = assertRefreshed(refresh(p.refresh()));
        assertNotEquals(p.access(), p2.access());
        assertNotEquals(p.refresh(), p2.refresh());

        // Using the new access token revokes the old refresh token (spec: "Refreshing access tokens").
        Fx.assertTokenWorks(c, p2.access());
        assertError(refresh(p.refresh()), 401, "M_UNKNOWN_TOKEN");
        Fx.assertTokenRevoked(c, p.access());

        // The chain continues.
        Pair p3 = assertRefreshed(refresh(p2.refresh()));
        Fx.assertTokenWorks(c, p3.access());
        assertError(refresh(p2.refresh()), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void usingTheNewRefreshTokenAlsoRevokesTheOldOne() {
        Pair p = loginWithRefresh();
        Pair p2 = assertRefreshed(refresh(p.refresh()));
        Pair p3 = assertRefreshed(refresh(p2.refresh()));
        assertError(refresh(p.refresh()), 401, "M_UNKNOWN_TOKEN");
        Fx.assertTokenWorks(c, p3.access());
    }

    @Test
    void oldRefreshTokenStaysValidUntilTheNewPairIsUsed() {
        // A client that lost the response to /refresh can retry with the old refresh token.
        Pair p = loginWithRefresh();
        Pair lost = assertRefreshed(refresh(p.refresh()));
        Pair retry = assertRefreshed(refresh(p.refresh()));
        Fx.assertTokenWorks(c, retry.access());
        Fx.assertTokenRevoked(c, lost.access());
        assertError(refresh(lost.refresh()), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void unknownRefreshTokenIs401() {
        Resp r = assertError(refresh("mylr_not-a-real-refresh-token"), 401, "M_UNKNOWN_TOKEN");
        assertTrue(!r.body().path("soft_logout").asBoolean(false), r::toString);
        // An access token is not a refresh token.
        assertError(refresh(loginWithRefresh().access()), 401, "M_UNKNOWN_TOKEN");
        assertError(c.post(V3 + "/refresh", map()), 400, "M_MISSING_PARAM");
    }

    @Test
    void logoutRevokesTheRefreshToken() {
        Pair p = loginWithRefresh();
        assertOk(c.as(p.access()).post(V3 + "/logout", map()));
        assertError(refresh(p.refresh()), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void registrationCanAskForARefreshToken() {
        Resp r = assertOk(c.post(V3 + "/register", map("username", Client.unique("regrt"), "password", "pw",
                "refresh_token", true, "auth", map("type", "m.login.dummy"))));
        assertEquals(LIFETIME_MS, r.body().path("expires_in_ms").asLong(), r::toString);
        Fx.assertTokenWorks(c, assertRefreshed(refresh(r.str("refresh_token"))).access());
    }

    @Test
    void refreshNeedsNoAccessTokenButToleratesOne() {
        Pair p = loginWithRefresh();
        assertRefreshed(c.as("expired-or-bogus").post(V3 + "/refresh", map("refresh_token", p.refresh())));
    }
}
