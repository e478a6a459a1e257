package org.myelin.it.foundation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.ServeCommand;
import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.config.ConfigLoader;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Cli.Run;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.Cli.run;
import static org.myelin.it.foundation.Fx.ADMIN;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;

/** The `myelin` command line, run in-process: --version, --help, generate-config, register-user, serve errors. */
class CliTest {
    @TempDir
    Path dir;

    @Test
    void version() {
        Run r = run("--version");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("myelin "), r::toString);
    }

    @Test
    void helpForEverySubcommand() {
        Run top = run("--help");
        assertEquals(0, top.code());
        for (String sub : new String[] {"serve", "generate-config", "register-user"}) {
            assertTrue(top.out().contains(sub), top::toString);
            Run r = run(sub, "--help");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("Usage:") && r.out().contains(sub), r::toString);
        }
        assertTrue(run("register-user", "--help").out().contains("--admin"));
        assertTrue(run("serve", "--help").out().contains("--config"));
    }

    @Test
    void unknownSubcommandOrOptionFails() {
        assertNotEquals(0, run("frobnicate").code());
        assertNotEquals(0, run("serve", "--no-such-option").code());
        assertNotEquals(0, run("register-user").code());  // --user is required
    }

    @Test
    void generatedConfigLoads() throws Exception {
        Run r = run("generate-config");
        assertEquals(0, r.code(), r::toString);
        Path f = dir.resolve("gen.yaml");
        Files.writeString(f, r.out());
        Config c = ConfigLoader.load(f);
        assertEquals("localhost", c.serverName());
        assertEquals(8008, c.listenPort());
        assertFalse(c.registration().enabled());
        // The generated file states the defaults, so it loads to the same values as no file at all.
        assertEquals(ConfigLoader.defaults(Path.of("./data")), c);
    }

    @Test
    void generateConfigWithServerNameToFileRefusesToOverwrite() throws Exception {
        Path f = dir.resolve("out.yaml");
        Run r = run("generate-config", "--server-name", "example.org", "-o", f.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("example.org", ConfigLoader.load(f).serverName());
        String before = Files.readString(f);
        Run again = run("generate-config", "-o", f.toString());
        assertEquals(1, again.code(), again::toString);
        assertEquals(before, Files.readString(f));
    }

    @Test
    void serveWithBadConfigPrintsOneLineAndExits2() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "server_name: example.org\nregistration: { enabled: true, open: true }\n");
        Run r = run("serve", "--config", f.toString());
        assertEquals(2, r.code(), r::toString);
        assertEquals("myelin: unknown config key 'registration.open'", r.err().strip(), r::toString);

        Run missing = run("serve", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(2, missing.code(), missing::toString);
        assertEquals(1, missing.err().strip().lines().count(), missing::toString);
    }

    @Test
    void plainServeArgumentsSkipPicocliAndEverythingElseGoesThroughIt() {
        assertNull(ServeCommand.fromPlainArgs(new String[] {"serve"}).configFile());
        assertEquals(Path.of("a.yaml"), ServeCommand.fromPlainArgs(new String[] {"serve", "-c", "a.yaml"}).configFile());
        assertEquals(Path.of("a.yaml"), ServeCommand.fromPlainArgs(new String[] {"serve", "--config", "a.yaml"}).configFile());
        assertEquals(Path.of("a.yaml"), ServeCommand.fromPlainArgs(new String[] {"serve", "--config=a.yaml"}).configFile());
        for (String[] other : new String[][] {{}, {"--version"}, {"serve", "--help"}, {"serve", "-h"}, {"serve", "--config"},
                {"serve", "--config="}, {"serve", "-c", "--help"}, {"serve", "-c", "a", "b"}, {"serve", "--nope"},
                {"register-user", "--user", "x"}, {"serve", "-c", "bad\u0000path"}}) {
            assertNull(ServeCommand.fromPlainArgs(other), String.join(" ", other));
        }
    }

    @Test
    void registerUserThenLogIn() throws Exception {
        Path f = dir.resolve("myelin.yaml");
        Files.writeString(f, """
                server_name: cli.test
                listen: 127.0.0.1:0
                data_dir: %s
                log: { requests: false }
                """.formatted(dir.resolve("data")));
        Run r = run("register-user", "--config", f.toString(), "--user", "Alice", "--password", "wonderland", "--admin");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("@alice:cli.test"), r::toString);
        assertEquals(0, run("register-user", "-c", f.toString(), "-u", "bob", "-p", "builder").code());

        Run taken = run("register-user", "-c", f.toString(), "-u", "alice", "-p", "x");
        assertEquals(1, taken.code(), taken::toString);
        Run invalid = run("register-user", "-c", f.toString(), "-u", "bad name", "-p", "x");
        assertEquals(1, invalid.code(), invalid::toString);

        try (Myelin m = Myelin.start(ConfigLoader.load(f))) {
            Client c = new Client(m.port());
            Resp alice = assertOk(Fx.login(c, "alice", "wonderland"));
            assertEquals("@alice:cli.test", alice.str("user_id"));
            Resp bob = assertOk(Fx.login(c, "bob", "builder"));
            // --admin makes a server admin; bob is not one.
            assertOk(c.as(alice.str("access_token")).get(ADMIN + "/registration_tokens"));
            assertError(c.as(bob.str("access_token")).get(ADMIN + "/registration_tokens"), 403, "M_FORBIDDEN");
            // Registration is closed by default.
            assertError(c.post(Fx.V3 + "/register", Fx.map("username", "carol", "password", "x")), 403, "M_FORBIDDEN");
        }
    }
}
