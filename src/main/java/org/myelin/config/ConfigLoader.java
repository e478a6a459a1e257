package org.myelin.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
            root = readYaml(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + firstLine(e.getMessage()));
        }
        if (root == null || root.isNull() || root.isMissingNode()) root = JsonNodeFactory.instance.objectNode();
        if (!(root instanceof ObjectNode o)) throw new ConfigException("config " + file + " must be a YAML mapping");
        return fromTree(o);
    }

    /**
     * The first YAML document as a tree, read straight off the streaming parser: an ObjectMapper
     * would cost about 170 ms of start-up to build, before the server needs one. A key given twice
     * in one mapping is refused rather than the later one silently winning.
     */
    static JsonNode readYaml(String text) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            return t == null ? null : readValue(p, t, "");
        }
    }

    private static JsonNode readValue(JsonParser p, JsonToken t, String path) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String key = path.isEmpty() ? name : path + "." + name;
                    if (o.has(name)) throw new ConfigException("config key '" + key + "' is given twice");
                    o.set(name, readValue(p, p.nextToken(), key));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(readValue(p, e, path + "[" + a.size() + "]"));
                }
                yield a;
            }
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> f.numberNode(p.getIntValue());
                case LONG -> f.numberNode(p.getLongValue());
                default -> f.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> f.textNode(p.getText());
        };
    }

    public static Config defaults(Path dataDir) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("data_dir", dataDir.toString());
        return fromTree(o);
    }

    public static Config fromTree(ObjectNode root) {
        Section s = new Section("", root);
        s.only("server_name", "listen", "public_baseurl", "data_dir", "database", "database_pool_size", "registration",
                "registration_shared_secret", "rate_limiting", "limits", "tokens", "log", "voip", "moderation",
                "server_notices", "presence");
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
                log.bool("requests", true), level, voip(s.section("voip")), moderation(s.section("moderation"), serverName),
                serverNotices(s.section("server_notices")), presence(s.section("presence")));
    }

    private static Config.Presence presence(Section p) {
        p.only("enabled", "idle_timeout_ms", "offline_timeout_ms");
        return new Config.Presence(p.bool("enabled", true), p.integer("idle_timeout_ms", 300_000, 100, Integer.MAX_VALUE),
                p.integer("offline_timeout_ms", 300_000, 100, Integer.MAX_VALUE));
    }

    private static Config.Voip voip(Section v) {
        v.only("turn_uris", "turn_shared_secret", "turn_username", "turn_password", "turn_user_lifetime_ms", "turn_allow_guests");
        List<String> uris = v.strings("turn_uris");
        for (String u : uris) {
            if (!u.startsWith("turn:") && !u.startsWith("turns:")) {
                throw new ConfigException("config key 'voip.turn_uris': '" + u + "' is not a turn: or turns: URI");
            }
        }
        String secret = v.string("turn_shared_secret", null);
        String user = v.string("turn_username", null);
        String password = v.string("turn_password", null);
        if (secret != null && secret.isEmpty()) throw new ConfigException("config key 'voip.turn_shared_secret' must not be empty");
        if (secret != null && (user != null || password != null)) {
            throw new ConfigException("config key 'voip': set either turn_shared_secret or turn_username/turn_password, not both");
        }
        if ((user == null) != (password == null)) {
            throw new ConfigException("config key 'voip': turn_username and turn_password go together");
        }
        long lifetime = v.integer("turn_user_lifetime_ms", 86_400_000, 1000, Integer.MAX_VALUE);
        return new Config.Voip(uris, secret, user, password, lifetime, v.bool("turn_allow_guests", true));
    }

    private static Config.Moderation moderation(Section m, String serverName) {
        m.only("policy_rooms");
        List<String> rooms = m.strings("policy_rooms");
        for (String r : rooms) {
            // Room IDs of version 12 rooms have no server part; aliases always do.
            int colon = r.indexOf(':');
            boolean roomId = r.startsWith("!") && r.length() > 1 && r.chars().noneMatch(Character::isWhitespace);
            boolean alias = r.startsWith("#") && colon >= 2 && colon < r.length() - 1;
            if (!roomId && !alias) {
                throw new ConfigException("config key 'moderation.policy_rooms': '" + r + "' is not a room ID or alias");
            }
            if (alias && !r.substring(colon + 1).equals(serverName)) {
                throw new ConfigException("config key 'moderation.policy_rooms': alias '" + r + "' is not on this server");
            }
        }
        return new Config.Moderation(rooms);
    }

    private static Config.ServerNotices serverNotices(Section n) {
        n.only("system_user_localpart", "system_user_displayname", "room_name", "room_topic", "room_avatar_url");
        String localpart = n.string("system_user_localpart", null);
        if (localpart != null && !localpart.matches("^[a-z0-9._=\\-/+]+$")) {
            throw new ConfigException("config key 'server_notices.system_user_localpart': not a valid localpart: '" + localpart + "'");
        }
        String avatar = n.string("room_avatar_url", null);
        if (avatar != null && !avatar.startsWith("mxc://")) {
            throw new ConfigException("config key 'server_notices.room_avatar_url': must be an mxc:// URI");
        }
        return new Config.ServerNotices(localpart, n.string("system_user_displayname", null),
                n.string("room_name", "Server Notices"), n.string("room_topic", null), avatar);
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

        /** A list of strings; absent means empty. */
        List<String> strings(String k) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return List.of();
            if (!n.isArray()) throw new ConfigException("config key '" + key(k) + "' must be a list of strings");
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) throw new ConfigException("config key '" + key(k) + "' must be a list of strings");
                out.add(e.asText());
            }
            return List.copyOf(out);
        }

        double number(String k, double dflt) {
            JsonNode n = node.get(k);
            if (n == null || n.isNull()) return dflt;
            if (!n.isNumber() || n.asDouble() <= 0) throw new ConfigException("config key '" + key(k) + "' must be a positive number");
            return n.asDouble();
        }

    }
}
