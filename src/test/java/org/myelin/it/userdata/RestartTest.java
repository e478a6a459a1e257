package org.myelin.it.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;
import org.myelin.it.Fixtures.U;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.userdata.UserDataFx.accountData;
import static org.myelin.it.userdata.UserDataFx.globalAccountData;
import static org.myelin.it.userdata.UserDataFx.map;
import static org.myelin.it.userdata.UserDataFx.nextBatch;
import static org.myelin.it.userdata.UserDataFx.ok;
import static org.myelin.it.userdata.UserDataFx.receipt;
import static org.myelin.it.userdata.UserDataFx.receiptOf;
import static org.myelin.it.userdata.UserDataFx.roomAccountData;
import static org.myelin.it.userdata.UserDataFx.sync;

/**
 * Account data and receipts survive a restart, and the streams continue from the stored positions:
 * a sync token from before the restart still gets exactly the changes made after it.
 */
class RestartTest {

    @Test
    void dataAndStreamPositionsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("myelin-userdata-restart");
        String[] database = new String[1];
        Consumer<com.fasterxml.jackson.databind.node.ObjectNode> first = cfg -> {
            cfg.put("data_dir", dir.toString());
            database[0] = cfg.path("database").asText(null);
        };
        Consumer<com.fasterxml.jackson.databind.node.ObjectNode> again = cfg -> {
            cfg.put("data_dir", dir.toString());
            if (database[0] != null) cfg.put("database", database[0]);
        };

        U a;
        String room;
        String ev;
        String token;
        try (Myelin s1 = TestServer.start(first)) {
            Client c = new Client(s1.port());
            User u = c.register("restart");
            a = new U(u, c.as(u));
            room = UserDataFx.createRoom(a, map());
            ev = UserDataFx.send(a, room, "before restart");
            ok(a.put(accountData(a, "org.example.kept"), map("v", 1)));
            ok(a.put(roomAccountData(a, room, "org.example.room"), map("v", 2)));
            ok(a.post(receipt(room, "m.read", ev), map()));
            token = nextBatch(sync(a, null));
        }
        try (Myelin s2 = TestServer.start(again)) {
            Client c = new Client(s2.port()).as(a.user());
            U a2 = new U(a.user(), c);
            assertEquals(1, ok(a2.get(accountData(a2, "org.example.kept"))).path("v").asInt());
            assertEquals(2, ok(a2.get(roomAccountData(a2, room, "org.example.room"))).path("v").asInt());
            JsonNode initial = sync(a2, null);
            assertEquals(ev, receiptOf(initial, room, "m.read", a.id()).eventId(), initial::toString);

            // Nothing new since the old token; then one change, delivered once.
            JsonNode quiet = sync(a2, token);
            assertTrue(globalAccountData(quiet).isEmpty(), quiet::toString);
            assertNull(receiptOf(quiet, room, "m.read", a.id()), quiet::toString);
            ok(a2.put(accountData(a2, "org.example.kept"), map("v", 3)));
            String ev2 = UserDataFx.send(a2, room, "after restart");
            ok(a2.post(receipt(room, "m.read", ev2), map()));
            JsonNode changed = sync(a2, token);
            assertEquals(3, globalAccountData(changed).get("org.example.kept").path("v").asInt(), changed::toString);
            assertEquals(ev2, receiptOf(changed, room, "m.read", a.id()).eventId(), changed::toString);
            // The old receipt cannot come back.
            ok(a2.post(receipt(room, "m.read", ev), map()));
            assertEquals(ev2, receiptOf(sync(a2, null), room, "m.read", a.id()).eventId());
        }
    }
}
