package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.myelin.it.modules.ModulesFx.*;

/** m.room.server_acl content is validated when sent, and stored as ordinary state. */
class ServerAclEventTest {
    private static Myelin server() { return TestServer.shared(); }

    @Test
    void wellFormedAclIsStored() {
        U owner = user(server(), "acl-owner");
        String roomId = publicRoom(owner);
        var acl = map("allow", List.of("*"), "deny", List.of("*.evil.example", "evil.example"), "allow_ip_literals", false);
        setState(owner, roomId, "m.room.server_acl", "", acl);
        JsonNode got = ok(owner.get(state(roomId, "m.room.server_acl", "")));
        assertEquals("*.evil.example", got.path("deny").get(0).asText());
        assertFalse(got.path("allow_ip_literals").asBoolean(true));
        // Fields are optional; the empty object is a valid (if room-breaking) ACL.
        setState(owner, roomId, "m.room.server_acl", "", map("allow", List.of("*")));
        setState(owner, roomId, "m.room.server_acl", "", map());
    }

    @Test
    void malformedAclIsRefused() {
        U owner = user(server(), "acl-bad");
        String roomId = publicRoom(owner);
        String path = state(roomId, "m.room.server_acl", "");
        err(owner.put(path, map("allow", "*")), 400, "M_BAD_JSON");
        err(owner.put(path, map("allow", List.of("*", 5))), 400, "M_BAD_JSON");
        err(owner.put(path, map("deny", map("evil.example", true))), 400, "M_BAD_JSON");
        err(owner.put(path, map("allow", List.of("*"), "allow_ip_literals", "false")), 400, "M_BAD_JSON");
        err(owner.raw("PUT", path, "{\"allow\": null}".getBytes(StandardCharsets.UTF_8)), 400, "M_BAD_JSON");
        // Nothing was stored.
        err(owner.get(path), 404, "M_NOT_FOUND");
    }

    @Test
    void permissionsStillApply() {
        U owner = user(server(), "acl-perm-owner");
        U member = user(server(), "acl-perm-member");
        String roomId = publicRoom(owner);
        join(member, roomId);
        // m.room.server_acl needs power level 100 by default.
        err(member.put(state(roomId, "m.room.server_acl", ""), map("allow", List.of("*"))), 403, "M_FORBIDDEN");
    }

    @Test
    void malformedAclInInitialStateFailsCreation() {
        U owner = user(server(), "acl-initial");
        var r = owner.post(V3 + "/createRoom", map("initial_state", List.of(
                map("type", "m.room.server_acl", "state_key", "", "content", map("allow", "*")))));
        err(r, 400, "M_BAD_JSON");
        var good = owner.post(V3 + "/createRoom", map("initial_state", List.of(
                map("type", "m.room.server_acl", "state_key", "", "content", map("allow", List.of("*"))))));
        String roomId = ok(good).path("room_id").asText();
        assertEquals("*", ok(owner.get(state(roomId, "m.room.server_acl", ""))).path("allow").get(0).asText());
    }
}
