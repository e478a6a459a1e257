package org.myelin.it.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.Myelin;
import org.myelin.http.Json;
import org.myelin.it.TestServer;
import org.myelin.it.Cli.Run;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.Cli.run;
import static org.myelin.it.modules.ModulesFx.*;

/** `myelin send-server-notice`, through a running server and directly into the database. */
class SendServerNoticeCommandTest {
    @TempDir
    Path dir;

    /** A config file for the CLI that points at this server's storage (and port). */
    private Path configFor(Myelin server, boolean notices) throws Exception {
        ObjectNode cfg = Json.object();
        cfg.put("server_name", TestServer.SERVER_NAME);
        cfg.put("listen", "127.0.0.1:" + server.port());
        cfg.put("data_dir", server.config().dataDir().toString());
        if (server.config().usesPostgres()) cfg.put("database", server.config().database());
        if (notices) cfg.putObject("server_notices").put("system_user_localpart", "notices");
        Path f = dir.resolve("myelin-" + System.nanoTime() + ".yaml");
        Files.writeString(f, Json.writeString(cfg));
        return f;
    }

    @Test
    void sendsThroughTheRunningServer() throws Exception {
        Myelin server = TestServer.start(ServerNoticesTest::configure);
        try {
            U alice = user(server, "cli-notice");
            U admin = admin(server, "cli-notice-admin");
            Path cfg = configFor(server, true);
            Run r = run("send-server-notice", "--config", cfg.toString(), "--user", alice.id(), "--message", "Hello from the CLI");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().startsWith("Sent $"), r::toString);
            String eventId = r.out().substring("Sent ".length(), r.out().indexOf(' ', "Sent ".length()));
            String roomId = ServerNoticesTest.onlyInvite(alice);
            join(alice, roomId);
            JsonNode ev = ServerNoticesTest.event(alice, roomId, eventId);
            assertEquals("Hello from the CLI", ev.path("content").path("body").asText());
            assertEquals("m.server_notice", ev.path("content").path("msgtype").asText());
            assertEquals(ServerNoticesTest.SYSTEM, ev.path("sender").asText());
            // A usage limit notice, addressed by localpart.
            String localpart = alice.id().substring(1, alice.id().indexOf(':'));
            Run u = run("send-server-notice", "-c", cfg.toString(), "-u", localpart, "-m", "Over the limit",
                    "--usage-limit", "monthly_active_user", "--admin-contact", "mailto:admin@example.org");
            assertEquals(0, u.code(), u::toString);
            JsonNode pinned = ok(alice.get(state(roomId, "m.room.pinned_events", ""))).path("pinned");
            assertEquals(1, pinned.size(), pinned::toString);
            // The command's temporary login of the system user is gone again.
            JsonNode devices = ok(admin.get(V3 + "/admin/whois/" + enc(ServerNoticesTest.SYSTEM))).path("devices");
            assertEquals(0, devices.size(), devices::toString);
            // Refusals from the server are reported.
            Run bad = run("send-server-notice", "-c", cfg.toString(), "-u", "@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME,
                    "-m", "x");
            assertEquals(1, bad.code(), bad::toString);
            assertTrue(bad.err().contains("M_NOT_FOUND"), bad::toString);
        } finally {
            server.close();
        }
    }

    @Test
    void writesDirectlyWhenNoServerRuns() throws Exception {
        Myelin first = TestServer.start(ServerNoticesTest::configure);
        U bob = user(first, "cli-offline");
        Path cfg = configFor(first, true);
        var dataDir = first.config().dataDir().toString();
        var database = first.config().database();
        first.close();
        Run r = run("send-server-notice", "--config", cfg.toString(), "--user", bob.id(), "--message", "Written offline");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("written to the database"), r::toString);
        Myelin second = TestServer.start(c -> {
            ServerNoticesTest.configure(c);
            c.put("data_dir", dataDir);
            if (database != null) c.put("database", database);
        });
        try {
            U again = new U(bob.user(), anon(second).as(bob.user()));
            String roomId = ServerNoticesTest.onlyInvite(again);
            join(again, roomId);
            JsonNode messages = ok(again.get(room(roomId) + "/messages?dir=b&limit=5")).path("chunk");
            boolean found = false;
            for (JsonNode e : messages) found |= "Written offline".equals(e.path("content").path("body").asText());
            assertTrue(found, messages::toString);
            // The server keeps using the room the command created.
            ServerNoticesTest.notice(admin(second, "cli-offline-admin"), again, "and online");
            assertEquals(0, ServerNoticesTest.invites(again).size());
        } finally {
            second.close();
        }
    }

    @Test
    void usageErrors() throws Exception {
        Myelin server = TestServer.shared();
        Run off = run("send-server-notice", "-c", configFor(server, false).toString(), "-u", "@a:" + TestServer.SERVER_NAME, "-m", "x");
        assertEquals(2, off.code(), off::toString);
        assertTrue(off.err().contains("server_notices.system_user_localpart"), off::toString);
        Path cfg = configFor(server, true);
        Run half = run("send-server-notice", "-c", cfg.toString(), "-u", "a", "-m", "x", "--usage-limit", "monthly_active_user");
        assertEquals(2, half.code(), half::toString);
        Run nowhere = run("send-server-notice", "-c", cfg.toString(), "-u", "a", "-m", "x", "--url", "http://127.0.0.1:1");
        assertEquals(1, nowhere.code(), nowhere::toString);
        assertTrue(nowhere.err().contains("no Myelin server answers"), nowhere::toString);
        Run missing = run("send-server-notice", "-c", cfg.toString(), "-u", "a");
        assertEquals(2, missing.code(), missing::toString);
        Run help = run("send-server-notice", "--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("--usage-limit"), help::toString);
    }
}
