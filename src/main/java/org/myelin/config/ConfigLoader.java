package org.myelin.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads YAML into a {@link Config}, rejecting unknown keys and bad values with one line that
 * names the key, so that a typo never silently falls back to a default.
 */
public final class ConfigLoader {
    private static final Pattern SERVER_NAME = Pattern.compile("^[A-Za-z0-9.\\-]+(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?$");

    private ConfigLoader() {}

    public static Config load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + firstLine(e.getMessage()));
        }
        if (root == null || root.isNull() || root.isMissingNode()) root = JsonNodeFactory.instance.objectNode();
        if (!(root instanceof ObjectNode o)) throw new ConfigException("config " + file + " must be a YAML mapping");
        return fromTree(o);
    }

    public static Config defaults(Path dataDir) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("data_dir", dataDir.toString());
        return fromTree(o);
    }

    public static Config fromTree(ObjectNode root) {
        Section s = new Section("", root);
        s.only("server_name", "listen", "public_baseurl", "data_dir", "database", "database_pool_size", "registration",
                "registration_shared_secret", "rate_limiting", "limits", "tokens", "log");
        String serverName = s.string("server_name", "localhost");
        if (!SERVER_NAME.matcher(serverName).matches()) {
            throw new ConfigException("config key 'server_name': not a valid server name: '" + serverName + "'");
        }
        String listen = s.string("listen", "127.0.0.1:8008");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) throw new ConfigException("config key 'listen': expected host:port, got '" + listen + "'");
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("config key 'listen': port is not a number in '" + listen + "'");
        }
        if (port < 0 || port > 65535) throw new ConfigException("config key 'listen': port out of range in '" + listen + "'");
        String base = s.string("public_baseurl", null);
        if (base == null) base = "http://" + (listen.startsWith("0.0.0.0") ? "localhost:" + port : listen) + "/";
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new ConfigException("config key 'public_baseurl': must start with http:// or https://");
        }
        if (!base.endsWith("/")) base = base + "/";
        Path dataDir = Path.of(s.string("data_dir", "./data"));
        String database = s.string("database", null);
        if (database != null && !database.startsWith("postgresql://") && !database.startsWith("postgres://")) {
            throw new ConfigException("config key 'database': expected postgresql://user@host:port/db (omit the key for SQLite), got '" + database + "'");
        }
        int poolSize = s.integer("database_pool_size", 10, 1, 200);

        Section reg = s.section("registration");
        reg.only("enabled", "require_token", "allow_guests");
        String secret = s.string("registration_shared_secret", null);
        var registration = new Config.Registration(reg.bool("enabled", false), reg.bool("require_token", false),
                reg.bool("allow_guests", false), secret);

        Section rl = s.section("rate_limiting");
        rl.only("enabled", "login", "register", "message", "general");
        var rate = new Config.RateLimiting(rl.bool("enabled", true),
                bucket(rl.section("login"), 0.17, 3), bucket(rl.section("register"), 0.17, 3),
                bucket(rl.section("message"), 0.2, 10), bucket(rl.section("general"), 10, 100));

        Section lim = s.section("limits");
        lim.only("max_request_body_bytes", "max_upload_bytes");
        var limits = new Config.Limits(lim.integer("max_request_body_bytes", 1 << 20, 1024, 1 << 28),
                lim.integer("max_upload_bytes", 50 << 20, 1024, Integer.MAX_VALUE));

        Section tok = s.section("tokens");
        tok.only("refreshable_access_token_lifetime_ms");
        var tokens = new Config.Tokens(tok.integer("refreshable_access_token_lifetime_ms", 300_000, 1000, Integer.MAX_VALUE));

        Section log = s.section("log");
        log.only("requests", "level");
        String level = log.string("level", "info");
        if (!Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw new ConfigException("config key 'log.level': one of trace, debug, info, warn, error; got '" + level + "'");
        }
        return new Config(serverName, host, port, base, dataDir, database, poolSize, registration, rate, limits, tokens,
                log.bool("requests", true), level);
    }

    private static Config.Bucket bucket(Section s, double perSecond, int burst) {
        s.only("per_second", "burst");
        return new Config.Bucket(s.number("per_second", perSecond), s.integer("burst", burst, 1, Integer.MAX_VALUE));
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A mapping at a dotted key path, with typed getters that name the full key in errors. */
    private record Section(String prefix, ObjectNode node) {
        String key(String k) { return prefix.isEmpty() ? k : prefix + "." + k; }

        void only(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!ok.contains(k)) throw new ConfigException("unknown config key '" + key(k) + "'");
            }
        }

        Section section(String k) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return new Section(key(k), JsonNodeFactory.instance.objectNode());
            if (!(n instanceof ObjectNode o)) throw new ConfigException("config key '" + key(k) + "' must be a mapping");
            return new Section(key(k), o);
        }

        String string(String k, String dflt) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return dflt;
            if (!n.isTextual() && !n.isNumber()) throw new ConfigException("config key '" + key(k) + "' must be a string");
            return n.asText();
        }

        boolean bool(String k, boolean dflt) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return dflt;
            if (!n.isBoolean()) throw new ConfigException("config key '" + key(k) + "' must be true or false");
            return n.asBoolean();
        }

        int integer(String k, int dflt, int min, int max) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return dflt;
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new ConfigException("config key '" + key(k) + "' must be an integer");
            int v = n.asInt();
            if (v < min || v > max) throw new ConfigException("config key '" + key(k) + "' must be between " + min + " and " + max);
            return v;
        }

        double number(String k, double dflt) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return dflt;
            if (!n.isNumber() || n.asDouble() <= 0) throw new ConfigException("config key '" + key(k) + "' must be a positive number");
            return n.asDouble();
        }

    }
}
