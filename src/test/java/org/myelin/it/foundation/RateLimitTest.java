package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;

/** 429 M_LIMIT_EXCEEDED with retry_after_ms (and Retry-After) once a bucket is empty. */
class RateLimitTest {
    private static final int LOGIN_BURST = 3;
    private static final int GENERAL_BURST = 5;
    private static Myelin limited;
    private static Myelin unlimited;

    private static void buckets(ObjectNode cfg, boolean enabled) {
        ObjectNode rl = cfg.putObject("rate_limiting");
        rl.put("enabled", enabled);
        rl.putObject("login").put("per_second", 0.01).put("burst", LOGIN_BURST);
        rl.putObject("general").put("per_second", 0.01).put("burst", GENERAL_BURST);
        rl.putObject("register").put("per_second", 1000).put("burst", 1000);
        rl.putObject("message").put("per_second", 1000).put("burst", 1000);
    }

    @BeforeAll
    static void start() {
        limited = TestServer.start(cfg -> buckets(cfg, true));
        unlimited = TestServer.start(cfg -> buckets(cfg, false));
    }

    @AfterAll
    static void stop() throws Exception {
        Fx.close(limited);
        Fx.close(unlimited);
    }

    private static void assertLimited(Resp r) {
        assertError(r, 429, "M_LIMIT_EXCEEDED");
        long retry = r.body().path("retry_after_ms").asLong(-1);
        assertTrue(retry > 0, () -> "retry_after_ms must be a positive integer: " + r);
        assertTrue(r.body().path("retry_after_ms").isIntegralNumber(), r::toString);
        String header = Fx.header(r, "Retry-After");
        assertNotNull(header, () -> "Retry-After header missing: " + r.headers());
        assertTrue(Long.parseLong(header) * 1000 >= retry, () -> "Retry-After " + header + " < retry_after_ms " + retry);
        HttpLayerTest.assertCors(r);
    }

    @Test
    void loginIsLimitedPerClientAddress() {
        Client c = Fx.client(limited);
        for (int i = 0; i < LOGIN_BURST; i++) assertError(Fx.login(c, "nobody", "wrong"), 403, "M_FORBIDDEN");
        assertLimited(Fx.login(c, "nobody", "wrong"));
        assertLimited(Fx.login(c, "nobody", "wrong"));
        // Other rate classes are unaffected.
        assertOk(c.get("/_matrix/client/versions"));
    }

    @Test
    void authenticatedRequestsAreLimitedPerUser() {
        Client c = Fx.client(limited);
        User a = c.register("rl-a");
        User b = c.register("rl-b");
        for (int i = 0; i < GENERAL_BURST; i++) assertOk(c.as(a).get(V3 + "/account/whoami"));
        assertLimited(c.as(a).get(V3 + "/account/whoami"));
        // b has a bucket of its own, even from the same address.
        assertOk(c.as(b).get(V3 + "/account/whoami"));
    }

    @Test
    void disabledRateLimitingNeverReturns429() {
        Client c = Fx.client(unlimited);
        for (int i = 0; i < LOGIN_BURST * 3; i++) assertError(Fx.login(c, "nobody", "wrong"), 403, "M_FORBIDDEN");
        User u = c.register("rl-off");
        for (int i = 0; i < GENERAL_BURST * 3; i++) assertEquals(200, c.as(u).get(V3 + "/account/whoami").status());
    }
}
