package org.myelin.core.acl;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.glob.Glob;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The decision of an {@code m.room.server_acl} state event: may a server participate in the room?
 * The spec's order is applied to the server name without its port:
 * <ol>
 *   <li>no ACL event in the room state: allow ({@link #NONE});</li>
 *   <li>an IP literal (IPv4, or IPv6 in brackets) while {@code allow_ip_literals} is false: deny;</li>
 *   <li>matches a {@code deny} glob: deny;</li>
 *   <li>matches an {@code allow} glob: allow;</li>
 *   <li>otherwise deny (so a missing or empty {@code allow} denies everyone).</li>
 * </ol>
 * Globs are case-insensitive. Reading content is lenient as the spec asks (a non-boolean
 * {@code allow_ip_literals} counts as true, a non-array list as empty, non-string entries never
 * match) because the event may come from another server; {@link #validate} is the strict check
 * for content our own clients send.
 */
public final class ServerAcl {
    /** The room has no ACL: every server is allowed. */
    public static final ServerAcl NONE = new ServerAcl(true, List.of(), List.of(), true);

    private final boolean allowIpLiterals;
    private final List<Glob> allow;
    private final List<Glob> deny;
    private final boolean none;

    private ServerAcl(boolean allowIpLiterals, List<Glob> allow, List<Glob> deny, boolean none) {
        this.allowIpLiterals = allowIpLiterals;
        this.allow = allow;
        this.deny = deny;
        this.none = none;
    }

    /** The ACL of an event's content; null content (no event) means {@link #NONE}. */
    public static ServerAcl fromContent(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) return NONE;
        JsonNode ip = content.get("allow_ip_literals");
        boolean allowIp = ip == null || !ip.isBoolean() || ip.booleanValue();
        return new ServerAcl(allowIp, globs(content.get("allow")), globs(content.get("deny")), false);
    }

    private static List<Glob> globs(JsonNode list) {
        if (list == null || !list.isArray()) return List.of();
        List<Glob> out = new ArrayList<>(list.size());
        for (JsonNode e : list) {
            if (e.isTextual()) out.add(Glob.ignoringCase(e.asText()));
        }
        return List.copyOf(out);
    }

    /**
     * Why content is not a well-formed ACL, or empty when it is: {@code allow} and {@code deny}
     * must be arrays of strings and {@code allow_ip_literals} a boolean, each when present.
     */
    public static Optional<String> validate(JsonNode content) {
        if (content == null || !content.isObject()) return Optional.of("content must be an object");
        for (String field : new String[] {"allow", "deny"}) {
            JsonNode n = content.get(field);
            if (n == null) continue;
            if (!n.isArray()) return Optional.of("'" + field + "' must be an array of strings");
            for (JsonNode e : n) {
                if (!e.isTextual()) return Optional.of("'" + field + "' must contain only strings");
            }
        }
        JsonNode ip = content.get("allow_ip_literals");
        if (ip != null && !ip.isBoolean()) return Optional.of("'allow_ip_literals' must be a boolean");
        return Optional.empty();
    }

    /** True when the server (a server name, with or without port) may participate in the room. */
    public boolean allows(String serverName) {
        if (none) return true;
        if (serverName == null || serverName.isEmpty()) return false;
        String host = hostOf(serverName);
        if (!allowIpLiterals && isIpLiteral(host)) return false;
        for (Glob g : deny) {
            if (g.matches(host)) return false;
        }
        for (Glob g : allow) {
            if (g.matches(host)) return true;
        }
        return false;
    }

    /**
     * The host part of a server name: {@code example.org:8448} gives {@code example.org},
     * {@code [2001:db8::1]:8448} gives {@code [2001:db8::1]}. A bare IPv6 address (several colons,
     * no brackets; not a valid server name, but never mistaken for host:port) is kept whole.
     */
    public static String hostOf(String serverName) {
        if (serverName.startsWith("[")) {
            int close = serverName.indexOf(']');
            return close < 0 ? serverName : serverName.substring(0, close + 1);
        }
        int colon = serverName.indexOf(':');
        if (colon < 0) return serverName;
        if (serverName.indexOf(':', colon + 1) >= 0) return serverName;
        return serverName.substring(0, colon);
    }

    /**
     * True for an IP address literal as server names write them: a dotted IPv4 address (the
     * grammar's four groups of 1-3 digits), an IPv6 address in brackets, or a bare IPv6 address.
     */
    public static boolean isIpLiteral(String host) {
        if (host.startsWith("[") && host.endsWith("]")) return true;
        if (host.indexOf(':') >= 0) return isIpv6(host);
        return isIpv4(host);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) return false;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') return false;
            }
        }
        return true;
    }

    /** IPv6 text form (RFC 4291 section 2.2): hex groups, at most one "::", optional trailing IPv4. */
    static boolean isIpv6(String s) {
        if (s.isEmpty()) return false;
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return false;
        String[] groups = s.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) continue; // part of "::" (or a leading/trailing one)
            if (i == groups.length - 1 && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) return false;
                count += 2;
                continue;
            }
            if (g.length() > 4) return false;
            for (int j = 0; j < g.length(); j++) {
                if (Character.digit(g.charAt(j), 16) < 0) return false;
            }
            count++;
        }
        // Empty groups are only allowed as part of the one "::".
        if (dbl < 0) {
            for (String g : groups) if (g.isEmpty()) return false;
            return count == 8;
        }
        if (s.startsWith(":") && !s.startsWith("::")) return false;
        if (s.endsWith(":") && !s.endsWith("::")) return false;
        return count < 8;
    }
}
