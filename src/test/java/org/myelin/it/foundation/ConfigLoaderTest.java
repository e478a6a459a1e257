package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ConfigLoader: defaults, and one clear line naming the key for every bad value. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static Config tree(Consumer<ObjectNode> f) {
        ObjectNode o = Json.object();
        f.accept(o);
        return ConfigLoader.fromTree(o);
    }

    private static ConfigException fails(Consumer<ObjectNode> f, String mentions) {
        ConfigException e = assertThrows(ConfigException.class, () -> tree(f));
        assertOneLine(e, mentions);
        return e;
    }

    private static void assertOneLine(ConfigException e, String mentions) {
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "not one line: " + m);
        assertTrue(m.contains(mentions), () -> "'" + m + "' does not mention " + mentions);
        assertTrue(m.length() < 300, m);
    }

    private Config yaml(String text) throws Exception {
        Path f = dir.resolve("myelin.yaml");
        Files.writeString(f, text);
        return ConfigLoader.load(f);
    }

    private ConfigException yamlFails(String text, String mentions) {
        ConfigException e = assertThrows(ConfigException.class, () -> yaml(text));
        assertOneLine(e, mentions);
        return e;
    }

    @Test
    void defaults() {
        Config c = tree(o -> {});
        assertEquals("localhost", c.serverName());
        assertEquals("127.0.0.1", c.listenHost());
        assertEquals(8008, c.listenPort());
        assertEquals("http://127.0.0.1:8008/", c.publicBaseUrl());
        assertFalse(c.usesPostgres());
        assertFalse(c.registration().enabled());
        assertNull(c.registration().sharedSecret());
        assertTrue(c.rateLimiting().enabled());
        assertEquals(1 << 20, c.limits().maxRequestBodyBytes());
        assertEquals(Path.of("./data").resolve("myelin.db"), c.sqlitePath());
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsPath() {
        yamlFails("server_name: a.org\nserver_name: b.org\n", "'server_name' is given twice");
        yamlFails("rate_limiting:\n  enabled: true\n  enabled: false\n", "'rate_limiting.enabled' is given twice");
    }

    @Test
    void yamlScalarsKeepTheirTypes() throws Exception {
        Config c = yaml("""
                database_pool_size: 12
                rate_limiting: { login: { per_second: 0.25, burst: 3 } }
                moderation: { policy_rooms: ["!a:example.org", "!b:example.org"] }
                registration: { enabled: false }
                """);
        assertEquals(12, c.databasePoolSize());
        assertFalse(c.registration().enabled());
        assertEquals(java.util.List.of("!a:example.org", "!b:example.org"), c.moderation().policyRooms());
        yamlFails("database_pool_size: \"12\"\n", "database_pool_size");
        yamlFails("listen: [1, 2]\n", "listen");
        yamlFails("- just\n- a list\n", "mapping");
        yamlFails("server_name: [unclosed\n", "cannot read config");
    }

    @Test
    void fullYaml() throws Exception {
        Config c = yaml("""
                server_name: example.org
                listen: "[::1]:8448"
                public_baseurl: https://matrix.example.org
                data_dir: /var/lib/myelin
                database: postgresql://myelin:secret@db.example.org:5433/myelin
                database_pool_size: 20
                registration: { enabled: true, require_token: true, allow_guests: true }
                registration_shared_secret: s3cret
                rate_limiting:
                  enabled: false
                  login: { per_second: 0.5, burst: 7 }
                limits: { max_request_body_bytes: 2048 }
                tokens: { refreshable_access_token_lifetime_ms: 60000 }
                log: { requests: false, level: debug }
                """);
        assertEquals("example.org", c.serverName());
        assertEquals("::1", c.listenHost());
        assertEquals(8448, c.listenPort());
        assertEquals("https://matrix.example.org/", c.publicBaseUrl());
        assertTrue(c.usesPostgres());
        assertEquals(20, c.databasePoolSize());
        assertTrue(c.registration().enabled() && c.registration().requireToken() && c.registration().allowGuests());
        assertEquals("s3cret", c.registration().sharedSecret());
        assertFalse(c.rateLimiting().enabled());
        assertEquals(0.5, c.rateLimiting().login().perSecond());
        assertEquals(7, c.rateLimiting().login().burst());
        assertEquals(2048, c.limits().maxRequestBodyBytes());
        assertEquals(60000, c.tokens().refreshableAccessTokenLifetimeMs());
        assertFalse(c.logRequests());
        assertEquals("debug", c.logLevel());
    }

    @Test
    void emptyFileIsAllDefaults() throws Exception {
        assertEquals("localhost", yaml("").serverName());
        assertEquals("localhost", yaml("# only a comment\n").serverName());
    }

    @Test
    void unknownKey() {
        fails(o -> o.put("sever_name", "x"), "'sever_name'");
        fails(o -> o.putObject("registration").put("enable", true), "'registration.enable'");
        fails(o -> o.putObject("rate_limiting").putObject("login").put("rate", 1), "'rate_limiting.login.rate'");
        yamlFails("server_name: example.org\nlisten_port: 8008\n", "'listen_port'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8008", "nohost", ":8008", "localhost:http", "localhost:70000", "localhost:-1", "localhost:"})
    void badListen(String listen) {
        fails(o -> o.put("listen", listen), "'listen'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad name", "ex_ample.org", "example.org:port", "example.org:123456", "", "exa/mple", "@example.org"})
    void badServerName(String name) {
        fails(o -> o.put("server_name", name), "'server_name'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://u@h/db", "sqlite:///data/x.db", "jdbc:postgresql://h/db", "localhost:5432", "postgresql:/x"})
    void badDatabaseUrl(String url) {
        fails(o -> o.put("database", url), "'database'");
    }

    @Test
    void badValues() {
        fails(o -> o.put("public_baseurl", "matrix.example.org"), "'public_baseurl'");
        fails(o -> o.put("database_pool_size", 0), "'database_pool_size'");
        fails(o -> o.put("database_pool_size", "ten"), "'database_pool_size'");
        fails(o -> o.put("registration", true), "'registration'");
        fails(o -> o.putObject("registration").put("enabled", "yes"), "'registration.enabled'");
        fails(o -> o.putObject("rate_limiting").putObject("login").put("per_second", -1), "'rate_limiting.login.per_second'");
        fails(o -> o.putObject("rate_limiting").putObject("login").put("burst", 0), "'rate_limiting.login.burst'");
        fails(o -> o.putObject("limits").put("max_request_body_bytes", 10), "'limits.max_request_body_bytes'");
        fails(o -> o.putObject("tokens").put("refreshable_access_token_lifetime_ms", 1.5), "'tokens.refreshable_access_token_lifetime_ms'");
        fails(o -> o.putObject("log").put("level", "loud"), "'log.level'");
        fails(o -> o.putArray("server_name").add("a"), "'server_name'");
    }

    @Test
    void yamlThatIsNotAMappingOrNotYaml() throws Exception {
        yamlFails("- a\n- b\n", "mapping");
        ConfigException e = assertThrows(ConfigException.class, () -> yaml("server_name: [unclosed\n"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("missing.yaml")));
    }

    @Test
    void baseUrlDefaultsFromListen() {
        assertEquals("http://localhost:9000/", tree(o -> o.put("listen", "0.0.0.0:9000")).publicBaseUrl());
        assertEquals("http://example.org:8008/", tree(o -> o.put("listen", "example.org:8008")).publicBaseUrl());
    }

    @Test
    void postgresSchemeAliases() {
        assertTrue(tree(o -> o.put("database", "postgres://u@h/db")).usesPostgres());
        assertTrue(tree(o -> o.put("database", "postgresql://u@h/db")).usesPostgres());
    }
}
