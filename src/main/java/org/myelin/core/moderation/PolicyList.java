package org.myelin.core.moderation;

import org.myelin.core.acl.ServerAcl;
import org.myelin.core.moderation.PolicyRule.Kind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code m.ban} rules of one or more policy lists, indexed for lookups: rules whose entity has
 * no wildcard go into a hash map per kind, the rest are tried one by one. Rules with other
 * recommendations are kept out: only {@code m.ban} is specified.
 */
public final class PolicyList {
    public static final PolicyList EMPTY = new PolicyList(List.of());

    private final Map<Kind, Map<String, PolicyRule>> exact = new EnumMap<>(Kind.class);
    private final Map<Kind, List<PolicyRule>> globs = new EnumMap<>(Kind.class);
    private final int size;

    public PolicyList(List<PolicyRule> rules) {
        for (Kind k : Kind.values()) {
            exact.put(k, new HashMap<>());
            globs.put(k, new ArrayList<>());
        }
        int n = 0;
        for (PolicyRule r : rules) {
            if (!r.isBan()) continue;
            n++;
            boolean caseless = r.kind() == Kind.SERVER;
            if (r.entity().isLiteral()) {
                String key = caseless ? fold(r.entity().pattern()) : r.entity().pattern();
                exact.get(r.kind()).putIfAbsent(key, r);
            } else {
                globs.get(r.kind()).add(r);
            }
        }
        this.size = n;
    }

    /** Number of m.ban rules. */
    public int size() { return size; }

    /** The first m.ban rule of this kind whose entity matches value, if any. */
    public Optional<PolicyRule> banned(Kind kind, String value) {
        if (value == null) return Optional.empty();
        String key = kind == Kind.SERVER ? fold(value) : value;
        PolicyRule hit = exact.get(kind).get(key);
        if (hit != null) return Optional.of(hit);
        for (PolicyRule r : globs.get(kind)) {
            if (r.matches(value)) return Optional.of(r);
        }
        return Optional.empty();
    }

    public Optional<PolicyRule> bannedUser(String userId) { return banned(Kind.USER, userId); }

    public Optional<PolicyRule> bannedRoom(String roomIdOrAlias) { return banned(Kind.ROOM, roomIdOrAlias); }

    /**
     * A server rule matching the server name as written or without its port, so that a rule for
     * {@code evil.example} also covers {@code evil.example:8448} (as server ACLs do).
     */
    public Optional<PolicyRule> bannedServer(String serverName) {
        if (serverName == null) return Optional.empty();
        Optional<PolicyRule> r = banned(Kind.SERVER, serverName);
        String host = ServerAcl.hostOf(serverName);
        return r.isPresent() || host.equals(serverName) ? r : banned(Kind.SERVER, host);
    }

    private static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return b.toString();
    }
}
