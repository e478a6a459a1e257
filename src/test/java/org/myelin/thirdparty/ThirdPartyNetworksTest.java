package org.myelin.thirdparty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.http.Json;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThirdPartyNetworksTest {
    /** A bridge serving one protocol with one instance, answering every lookup with one result. */
    private static ProtocolProvider bridge(String protocol, String instance) {
        ObjectNode meta = Json.object();
        meta.putArray("user_fields").add("nick");
        meta.putArray("location_fields").add("channel");
        meta.put("icon", "mxc://example.org/icon");
        meta.putObject("field_types");
        meta.putArray("instances").addObject().put("network_id", instance).put("desc", instance);
        return new ProtocolProvider() {
            @Override
            public Map<String, ObjectNode> protocols() { return Map.of(protocol, meta); }

            @Override
            public List<ObjectNode> locations(String p, Map<String, String> fields) {
                return List.of(Json.object().put("alias", "#" + instance + ":example.org").put("protocol", p));
            }

            @Override
            public List<ObjectNode> users(String p, Map<String, String> fields) {
                return List.of(Json.object().put("userid", "@" + instance + ":example.org").put("protocol", p));
            }

            @Override
            public List<ObjectNode> locationsForAlias(String alias) { return List.of(Json.object().put("alias", alias)); }

            @Override
            public List<ObjectNode> usersForUserId(String userId) { return List.of(Json.object().put("userid", userId)); }
        };
    }

    @Test
    void emptyWithoutBridges() {
        ThirdPartyNetworks n = new ThirdPartyNetworks();
        assertTrue(n.protocols().isEmpty());
        assertFalse(n.knows("irc"));
        assertTrue(n.protocol("irc").isEmpty());
        assertTrue(n.locationsForAlias("#a:b").isEmpty());
        assertTrue(n.usersForUserId("@a:b").isEmpty());
    }

    @Test
    void bridgesRegisterProtocolsAndAnswerLookups() {
        ThirdPartyNetworks n = new ThirdPartyNetworks();
        n.register(bridge("irc", "libera"));
        n.register(bridge("irc", "oftc"));
        n.register(bridge("gitter", "gitter"));
        assertEquals(2, n.protocols().size());
        assertEquals(2, n.protocol("irc").orElseThrow().path("instances").size(), "instances of one protocol are merged");
        assertTrue(n.knows("gitter"));
        assertEquals(2, n.locations("irc", Map.of()).size());
        assertEquals(1, n.users("gitter", Map.of()).size());
        assertEquals(3, n.locationsForAlias("#x:y").size());
        assertEquals(3, n.usersForUserId("@x:y").size());
        // Merging does not change what a bridge declared.
        assertEquals(1, n.protocols().get("gitter").path("instances").size());
    }
}
