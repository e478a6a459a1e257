package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/** GET /admin/whois/{userId} (Server Administration module). */
class WhoisTest {
    private static final String WHOIS = V3 + "/admin/whois/";

    private static Myelin server() { return TestServer.shared(); }

    @Test
    void userLooksUpThemselves() {
        U alice = user(server(), "whois-self");
        ok(alice.get(V3 + "/account/whoami")); // a request after login records the connection
        JsonNode w = ok(alice.get(WHOIS + enc(alice.id())));
        assertEquals(alice.id(), w.path("user_id").asText());
        JsonNode device = w.path("devices").path(alice.user().deviceId());
        assertTrue(device.isObject(), w::toString);
        JsonNode conn = device.path("sessions").get(0).path("connections").get(0);
        assertEquals("127.0.0.1", conn.path("ip").asText(), w::toString);
        assertTrue(conn.path("last_seen").asLong() > System.currentTimeMillis() - 600_000, w::toString);
        assertTrue(conn.path("user_agent").isTextual(), w::toString);
        // The legacy r0 prefix serves it too.
        assertEquals(alice.id(), ok(alice.get("/_matrix/client/r0/admin/whois/" + enc(alice.id()))).path("user_id").asText());
    }

    @Test
    void everyDeviceIsListed() {
        U bob = user(server(), "whois-devices");
        var second = anon(server()).post(V3 + "/login", map("type", "m.login.password",
                "identifier", map("type", "m.id.user", "user", bob.id()), "password", bob.user().password()));
        String other = ok(second).path("device_id").asText();
        JsonNode devices = ok(bob.get(WHOIS + enc(bob.id()))).path("devices");
        assertEquals(2, devices.size(), devices::toString);
        assertTrue(devices.has(other));
        // A device that has made no request yet has a session without connections.
        assertEquals(0, devices.path(other).path("sessions").get(0).path("connections").size(), devices::toString);
    }

    @Test
    void adminLooksUpOthers() {
        U admin = admin(server(), "whois-admin");
        U carol = user(server(), "whois-target");
        ok(carol.get(V3 + "/account/whoami"));
        JsonNode w = ok(admin.get(WHOIS + enc(carol.id())));
        assertEquals(carol.id(), w.path("user_id").asText());
        assertTrue(w.path("devices").has(carol.user().deviceId()), w::toString);
        err(admin.get(WHOIS + enc("@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME)), 404, "M_NOT_FOUND");
        err(admin.get(WHOIS + enc("@someone:other.example")), 404, "M_NOT_FOUND");
        err(admin.get(WHOIS + enc("not-a-user-id")), 400, "M_INVALID_PARAM");
    }

    @Test
    void othersAreForbiddenBeforeAnyLookup() {
        U dave = user(server(), "whois-nosy");
        U erin = user(server(), "whois-private");
        err(dave.get(WHOIS + enc(erin.id())), 403, "M_FORBIDDEN");
        // Unknown users give the same answer, so non-admins cannot probe for accounts.
        err(dave.get(WHOIS + enc("@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME)), 403, "M_FORBIDDEN");
        err(anon(server()).get(WHOIS + enc(erin.id())), 401, "M_MISSING_TOKEN");
        U guest = guest(server());
        err(guest.get(WHOIS + enc(guest.id())), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
