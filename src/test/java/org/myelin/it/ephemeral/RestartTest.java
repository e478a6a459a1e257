package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.TestServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/**
 * Across a restart: queued to-device messages are kept until acknowledged, the presence status
 * message and last activity are kept (everyone starts offline), and sync tokens from before the
 * restart keep working for the in-memory streams (typing, presence), whose positions keep growing.
 */
class RestartTest {

    private static List<String> bodies(JsonNode sync) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : toDevice(sync)) out.add(e.path("content").path("n").asText());
        return out;
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("myelin-ephemeral-restart");
        String[] database = new String[1];
        Consumer<ObjectNode> first = cfg -> {
            cfg.put("data_dir", dir.toString());
            database[0] = cfg.path("database").asText(null);
        };
        Consumer<ObjectNode> again = cfg -> {
            cfg.put("data_dir", dir.toString());
            if (database[0] != null) cfg.put("database", database[0]);
        };
        U alice;
        U bob;
        String room;
        String afterFirst;
        try (Myelin s1 = TestServer.start(first)) {
            alice = user(s1, "rsa");
            bob = user(s1, "rsb");
            room = publicRoom(alice);
            join(bob, room);
            String s0 = position(bob);
            ok(alice.put(V3 + "/sendToDevice/m.r/" + txn(), map("messages", map(bob.id(), map(bob.device(), map("n", "1"))))));
            JsonNode r1 = sync(bob, s0, 0);
            assertEquals(List.of("1"), bodies(r1));
            afterFirst = nextBatch(r1);
            ok(alice.put(V3 + "/sendToDevice/m.r/" + txn(), map("messages", map(bob.id(), map(bob.device(), map("n", "2"))))));
            ok(alice.put(V3 + "/presence/" + enc(alice.id()) + "/status", map("presence", "online", "status_msg", "kept")));
        }
        try (Myelin s2 = TestServer.start(again)) {
            U a2 = new U(alice.user(), new Client(s2.port()).as(alice.user()));
            U b2 = new U(bob.user(), new Client(s2.port()).as(bob.user()));
            // The presence status survives; the state starts offline.
            JsonNode p = ok(b2.get(V3 + "/presence/" + enc(alice.id()) + "/status"));
            assertEquals("offline", p.path("presence").asText(), p::toString);
            assertEquals("kept", p.path("status_msg").asText(), p::toString);
            assertTrue(p.path("last_active_ago").asLong() >= 0, p::toString);

            // The unacknowledged message is still there, after the acknowledged one.
            JsonNode r2 = sync(b2, afterFirst, 0);
            assertEquals(List.of("2"), bodies(r2));
            ok(a2.put(V3 + "/sendToDevice/m.r/" + txn(), map("messages", map(bob.id(), map(bob.device(), map("n", "3"))))));
            JsonNode r3 = sync(b2, nextBatch(r2), 0);
            assertEquals(List.of("3"), bodies(r3));

            // The old token still sees new typing (its position from before the restart is behind).
            ok(a2.put(V3 + "/rooms/" + enc(room) + "/typing/" + enc(alice.id()), map("typing", true, "timeout", 30_000)));
            JsonNode t = syncUntil(b2, afterFirst, 10_000, r -> typingIn(r, room) != null);
            assertEquals(List.of(alice.id()), typingIn(t, room));
        }
    }
}
