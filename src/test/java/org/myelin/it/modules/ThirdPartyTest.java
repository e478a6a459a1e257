package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/** The Third-party Networks lookups on a server without bridges. */
class ThirdPartyTest {
    private static final String TP = V3 + "/thirdparty";

    private static Myelin server() { return TestServer.shared(); }

    @Test
    void noProtocols() {
        U u = user(server(), "3p");
        JsonNode p = ok(u.get(TP + "/protocols"));
        assertTrue(p.isObject() && p.isEmpty(), p::toString);
        err(u.get(TP + "/protocol/irc"), 404, "M_NOT_FOUND");
        err(u.get(TP + "/location/irc"), 404, "M_NOT_FOUND");
        err(u.get(TP + "/location/irc?server=irc.example&channel=%23x"), 404, "M_NOT_FOUND");
        err(u.get(TP + "/user/irc"), 404, "M_NOT_FOUND");
        assertTrue(ok(u.get("/_matrix/client/r0/thirdparty/protocols")).isEmpty());
    }

    @Test
    void reverseLookupsAreEmptyLists() {
        U u = user(server(), "3p-rev");
        JsonNode loc = okArray(u.get(TP + "/location?alias=" + enc("#matrix:matrix.org")));
        assertTrue(loc.isArray(), loc::toString);
        assertEquals(0, loc.size());
        JsonNode users = okArray(u.get(TP + "/user?userid=" + enc("@bob:matrix.org")));
        assertTrue(users.isArray(), users::toString);
        assertEquals(0, users.size());
        err(u.get(TP + "/location"), 400, "M_MISSING_PARAM");
        err(u.get(TP + "/user"), 400, "M_MISSING_PARAM");
    }

    @Test
    void needsAuthentication() {
        err(anon(server()).get(TP + "/protocols"), 401, "M_MISSING_TOKEN");
        err(anon(server()).get(TP + "/location?alias=%23a:b"), 401, "M_MISSING_TOKEN");
    }
}
